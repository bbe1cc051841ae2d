// kiln_array_core: the NPU's array core, top level. One command computes
//   C (+)= A * B,  A: M x K int8, B: K x N int8, C: M x N int32,
// in the dataflow the command names. Operands and results live outside the
// core, in the scratchpads and the accumulator buffer; the core reads them
// through three ports that each address one vector of a matrix:
//   (row, col, down=0) -> X[row][col + l], lane l = 0..LANES-1
//   (row, col, down=1) -> X[row + l][col]
// A and B are read combinationally (data valid in the cycle the address is
// presented); the C port reads the old accumulators at the address it writes
// (c_rd_data, combinationally) and writes c_wr_data to the lanes in c_mask at
// the clock edge. Lanes outside the matrix read as zero. Handshake: start is
// accepted when ready; done pulses once the last result is written.
// Interface and timing: docs/rtl.md.
`default_nettype none

module kiln_array_core #(
    parameter integer ROWS = 8,
    parameter integer COLS = 8,
    // Fault injection for verification tests only (kiln_array): -1, none.
    parameter integer FAULT_ROW = -1,
    parameter integer FAULT_COL = -1
) (
    input  wire                                        clk,
    input  wire                                        rst,
    // command
    input  wire                                        start,
    output wire                                        ready,
    output wire                                        done,
    input  wire [1:0]                                  cmd_dataflow,
    input  wire                                        cmd_accumulate,
    input  wire [31:0]                                 cmd_m,
    input  wire [31:0]                                 cmd_n,
    input  wire [31:0]                                 cmd_k,
    // A operand port (int8 lanes)
    output wire                                        a_en,
    output wire [31:0]                                 a_row,
    output wire [31:0]                                 a_col,
    output wire                                        a_down,
    input  wire [((ROWS > COLS) ? ROWS : COLS)*8-1:0]  a_data,
    // B operand port (int8 lanes)
    output wire                                        b_en,
    output wire [31:0]                                 b_row,
    output wire [31:0]                                 b_col,
    output wire                                        b_down,
    input  wire [((ROWS > COLS) ? ROWS : COLS)*8-1:0]  b_data,
    // C accumulator port (int32 lanes): read-modify-write
    output wire                                        c_en,
    output wire                                        c_add,
    output wire [31:0]                                 c_row,
    output wire [31:0]                                 c_col,
    output wire                                        c_down,
    output wire [COLS-1:0]                             c_mask,
    input  wire [COLS*32-1:0]                          c_rd_data,
    output wire [COLS*32-1:0]                          c_wr_data
);
    wire                    os, is, clear, w_en, inject;
    wire [$clog2(ROWS)-1:0] w_row, tap_row, drain_row;
    wire [$clog2(ROWS)-1:0] out_row = os ? drain_row : tap_row;
    wire [$clog2(COLS)-1:0] last_col;

    kiln_control #(.ROWS(ROWS), .COLS(COLS)) control (
        .clk(clk), .rst(rst),
        .start(start), .cmd_dataflow(cmd_dataflow), .cmd_accumulate(cmd_accumulate),
        .cmd_m(cmd_m), .cmd_n(cmd_n), .cmd_k(cmd_k),
        .ready(ready), .done(done),
        .os(os), .is(is), .clear(clear), .w_en(w_en), .w_row(w_row), .inject(inject),
        .tap_row(tap_row), .last_col(last_col), .drain_row(drain_row),
        .a_en(a_en), .a_row(a_row), .a_col(a_col), .a_down(a_down),
        .b_en(b_en), .b_row(b_row), .b_col(b_col), .b_down(b_down),
        .c_en(c_en), .c_add(c_add), .c_row(c_row), .c_col(c_col), .c_down(c_down), .c_mask(c_mask)
    );

    // The streamed operand enters the rows from the left: A in the weight-
    // and output-stationary dataflows, B in the input-stationary one. Only
    // output-stationary streams a second operand down the columns. Zeros are
    // injected outside the streaming window so that idle cycles add nothing.
    wire [ROWS*8-1:0] row_operand = is ? b_data[ROWS*8-1:0] : a_data[ROWS*8-1:0];
    wire [ROWS*8-1:0] left_in     = inject ? row_operand : {ROWS*8{1'b0}};
    wire [COLS*8-1:0] top_in      = (inject && os) ? b_data[COLS*8-1:0] : {COLS*8{1'b0}};
    // The stationary operand: B rows (weight-), A columns (input-stationary).
    wire [COLS*8-1:0] w_data      = is ? a_data[COLS*8-1:0] : b_data[COLS*8-1:0];

    wire [ROWS*8-1:0]  a_skewed;
    wire [COLS*8-1:0]  b_skewed;
    wire [COLS*32-1:0] sums, psum_aligned;

    kiln_skew #(.LANES(ROWS), .W(8)) skew_rows (
        .clk(clk), .clear(clear), .in(left_in), .out(a_skewed)
    );
    kiln_skew #(.LANES(COLS), .W(8)) skew_cols (
        .clk(clk), .clear(clear), .in(top_in), .out(b_skewed)
    );
    kiln_array #(.ROWS(ROWS), .COLS(COLS), .FAULT_ROW(FAULT_ROW), .FAULT_COL(FAULT_COL)) array (
        .clk(clk), .clear(clear), .os(os),
        .w_en(w_en), .w_row(w_row), .w_data(w_data),
        .a_left(a_skewed), .b_top(b_skewed),
        .out_row(out_row), .sums(sums)
    );
    kiln_deskew #(.LANES(COLS), .W(32)) deskew (
        .clk(clk), .clear(clear), .last(last_col), .in(sums), .out(psum_aligned)
    );

    // Write-back: overwrite, or add to the accumulators (accumulate commands
    // and every K fold after the first).
    wire [COLS*32-1:0] result = os ? sums : psum_aligned;
    genvar l;
    generate
        for (l = 0; l < COLS; l = l + 1) begin : writeback
            assign c_wr_data[l*32 +: 32] = c_add ? c_rd_data[l*32 +: 32] + result[l*32 +: 32]
                                                 : result[l*32 +: 32];
        end
    endgenerate
endmodule

`default_nettype wire
