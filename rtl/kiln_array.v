// kiln_array: the ROWS x COLS grid of processing elements. Operands enter
// already skewed: a_left[r] into row r from the left, b_top[c] into column c
// from above (output-stationary only). Stationary operands are written one
// array row per cycle (w_en, w_row, w_data).
//
// Stationary dataflows: partial sums run down the columns; the sums of the
// active rows leave the array at row tap_row (the last active row), so a fold
// with fewer rows than the array does not wait for the idle rows below.
// Output-stationary: drain_row selects the row of accumulators on acc_row.
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
    input  wire [$clog2(ROWS)-1:0] tap_row,
    input  wire [$clog2(ROWS)-1:0] drain_row,
    output wire [COLS*32-1:0]      psum_bottom,
    output wire [COLS*32-1:0]      acc_row
);
    // a_h[r][c] enters PE(r,c) from the left; b_v[r][c] from above.
    // The right-most a and bottom-most b leave the array unused.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [7:0]  a_h  [0:ROWS-1][0:COLS];
    wire [7:0]  b_v  [0:ROWS][0:COLS-1];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] psum [0:ROWS-1][0:COLS-1];  // partial sum leaving PE(r,c) downwards
    wire [31:0] acc  [0:ROWS-1][0:COLS-1];

    genvar r, c;
    generate
        for (r = 0; r < ROWS; r = r + 1) begin : row
            assign a_h[r][0] = a_left[r*8 +: 8];
            for (c = 0; c < COLS; c = c + 1) begin : col
                if (r == 0) begin : top
                    assign b_v[0][c] = b_top[c*8 +: 8];
                end
                wire [31:0] psum_in;
                if (r == 0) begin : first
                    assign psum_in = 32'd0;
                end else begin : chained
                    assign psum_in = psum[r-1][c];
                end
                kiln_pe #(.FAULT((r == FAULT_ROW && c == FAULT_COL) ? 1 : 0)) pe (
                    .clk(clk),
                    .clear(clear),
                    .os(os),
                    .w_load(w_en && (w_row == r[$clog2(ROWS)-1:0])),
                    .w_in(w_data[c*8 +: 8]),
                    .a_in(a_h[r][c]),
                    .b_in(b_v[r][c]),
                    .psum_in(psum_in),
                    .a_out(a_h[r][c+1]),
                    .b_out(b_v[r+1][c]),
                    .psum_out(psum[r][c]),
                    .acc(acc[r][c])
                );
            end
        end
        for (c = 0; c < COLS; c = c + 1) begin : out
            assign psum_bottom[c*32 +: 32] = psum[tap_row][c];
            assign acc_row[c*32 +: 32]     = acc[drain_row][c];
        end
    endgenerate
endmodule

`default_nettype wire
