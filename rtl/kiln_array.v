// kiln_array: the ROWS x COLS grid of processing elements. Operands enter
// already skewed: a_left[r] into row r from the left, b_top[c] into column c
// from above (output-stationary only). Stationary operands are written one
// array row per cycle (w_en, w_row, w_data).
//
// Stationary dataflows: partial sums run down the columns; the sums of the
// active rows leave the array at row out_row (the last active row), so a fold
// with fewer rows than the array does not wait for the idle rows below.
// Output-stationary: out_row selects the row of accumulators to drain.
`default_nettype none

module kiln_array #(
    parameter integer ROWS = 8,
    parameter integer COLS = 8,
    // Fault injection for verification tests only (kiln_pe FAULT): the PE at
    // (FAULT_ROW, FAULT_COL) computes wrong products; -1: none.
    parameter integer FAULT_ROW = -1,
    parameter integer FAULT_COL = -1
) (
    input  wire                    clk,
    input  wire                    clear,
    input  wire                    os,
    input  wire                    w_en,
    input  wire [$clog2(ROWS)-1:0] w_row,
    input  wire [COLS*8-1:0]       w_data,
    input  wire [ROWS*8-1:0]       a_left,
    input  wire [COLS*8-1:0]       b_top,
    input  wire [$clog2(ROWS)-1:0] out_row,
    output wire [COLS*32-1:0]      sums
);
    // The PEs are generated from the bottom-right corner backwards: each
    // reads its left and upper neighbours' registers, so in this order a
    // simulator can update every register in place, without a copy.
    genvar r, c;
    generate
        for (r = ROWS - 1; r >= 0; r = r - 1) begin : row
            for (c = COLS - 1; c >= 0; c = c - 1) begin : col
                // The PE's registers: the operand leaving right, the one
                // leaving down, and the sum. The right-most a_q and the
                // bottom-most m_q leave the array unused.
                /* verilator lint_off UNUSEDSIGNAL */
                wire [7:0]  a_q, m_q;
                /* verilator lint_on UNUSEDSIGNAL */
                wire [31:0] sum_q;
                wire [7:0]  a_in, m_in;
                wire [31:0] sum_in;
                if (c == 0) begin : left_edge
                    assign a_in = a_left[r*8 +: 8];
                end else begin : from_left
                    assign a_in = row[r].col[c-1].a_q;
                end
                if (r == 0) begin : top_edge
                    assign m_in   = b_top[c*8 +: 8];
                    assign sum_in = 32'd0;
                end else begin : from_above
                    assign m_in   = row[r-1].col[c].m_q;
                    assign sum_in = row[r-1].col[c].sum_q;
                end
                kiln_pe #(.FAULT((r == FAULT_ROW && c == FAULT_COL) ? 1 : 0)) pe (
                    .clk(clk),
                    .clear(clear),
                    .os(os),
                    .w_load(w_en && (w_row == r[$clog2(ROWS)-1:0])),
                    .w_in(w_data[c*8 +: 8]),
                    .a_in(a_in),
                    .m_in(m_in),
                    .sum_in(sum_in),
                    .a_q(a_q),
                    .m_q(m_q),
                    .sum_q(sum_q)
                );
            end
        end
        // Column c's sums, one per row, for the out_row mux.
        for (c = 0; c < COLS; c = c + 1) begin : out
            wire [31:0] column [0:ROWS-1];
            for (r = 0; r < ROWS; r = r + 1) begin : tap
                assign column[r] = row[r].col[c].sum_q;
            end
            assign sums[c*32 +: 32] = column[out_row];
        end
    endgenerate
endmodule

`default_nettype wire
