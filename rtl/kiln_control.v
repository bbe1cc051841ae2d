// kiln_control: executes one array-tile command, C (+)= A * B with A M x K
// and B K x N, as a sequence of folds that each fit the ROWS x COLS array:
//
//   dataflow            fold rows x cols   streamed   stationary operand
//   weight-stationary   K x N              M rows of A        B
//   input-stationary    K x M              N columns of B     A (transposed)
//   output-stationary   M x N              K (A and B)        C (accumulators)
//
// Folds run one after another with an empty pipeline between them; t counts
// the cycles of the current fold. Per fold of fr x fc (fr <= ROWS, fc <= COLS)
// and streamed length len, the schedule is (docs/rtl.md):
//   stationary: t <  fr             load stationary row t
//               fr <= t < fr+len    inject streamed vector t-fr
//               t >= 2fr+fc-1       write result vector t-(2fr+fc-1)
//               last t = 2fr+len+fc-2
//   output-st.: t <  len            inject A column and B row t
//               t >= len+fr+fc-2    drain accumulator row t-(len+fr+fc-2)
//               last t = len+2fr+fc-3
// Start is accepted in one cycle (the command overhead); done is a one-cycle
// pulse in the cycle after the last fold's last cycle.
`default_nettype none

module kiln_control #(
    parameter integer ROWS = 8,
    parameter integer COLS = 8
) (
    input  wire                    clk,
    input  wire                    rst,
    // command handshake
    input  wire                    start,
    input  wire [1:0]              cmd_dataflow,   // 0 weight-, 1 output-, 2 input-stationary
    input  wire                    cmd_accumulate,
    input  wire [31:0]             cmd_m,
    input  wire [31:0]             cmd_n,
    input  wire [31:0]             cmd_k,
    output wire                    ready,
    output reg                     done,
    // datapath control
    output wire                    os,             // output-stationary fold
    output wire                    is,             // input-stationary fold
    output wire                    clear,          // empty the pipeline (between folds)
    output wire                    w_en,
    output wire [$clog2(ROWS)-1:0] w_row,
    output wire                    inject,         // a streamed vector enters the skew
    output wire [$clog2(ROWS)-1:0] tap_row,
    output wire [$clog2(COLS)-1:0] last_col,
    output wire [$clog2(ROWS)-1:0] drain_row,
    // operand and result port addresses
    output wire                    a_en,
    output wire [31:0]             a_row,
    output wire [31:0]             a_col,
    output wire                    a_down,
    output wire                    b_en,
    output wire [31:0]             b_row,
    output wire [31:0]             b_col,
    output wire                    b_down,
    output wire                    c_en,
    output wire                    c_add,
    output wire [31:0]             c_row,
    output wire [31:0]             c_col,
    output wire                    c_down,
    output wire [COLS-1:0]         c_mask
);
    localparam [1:0]  DF_OS = 2'd1;
    localparam [1:0]  DF_IS = 2'd2;
    localparam [31:0] ROWS32 = ROWS;
    localparam [31:0] COLS32 = COLS;

    reg        busy;
    reg [1:0]  df;
    reg        accumulate;
    reg [31:0] m, n, k;
    reg [31:0] r0, c0;   // origin of the current fold (fold rows, fold cols)
    reg [31:0] t;        // cycle within the current fold

    assign os = (df == DF_OS);
    assign is = (df == DF_IS);
    wire   ws = !os && !is;   // 0 and the reserved 3

    // Fold geometry.
    wire [31:0] rdim   = os ? m : k;                 // split over array rows
    wire [31:0] cdim   = is ? m : n;                 // split over array columns
    wire [31:0] len    = os ? k : (is ? n : m);      // streamed through
    wire [31:0] r_left = rdim - r0;
    wire [31:0] c_left = cdim - c0;
    wire [31:0] fr     = (r_left < ROWS32) ? r_left : ROWS32;
    wire [31:0] fc     = (c_left < COLS32) ? c_left : COLS32;

    // Schedule of the fold.
    wire [31:0] wb_start = os ? len + fr + fc - 32'd2 : fr + fr + fc - 32'd1;
    wire [31:0] t_last   = os ? len + fr + fr + fc - 32'd3 : fr + fr + len + fc - 32'd2;
    wire        loading  = busy && !os && (t < fr);
    wire        streaming = busy && (os ? (t < len) : (t >= fr && t < fr + len));
    wire        writing  = busy && (t >= wb_start);
    wire [31:0] si       = os ? t : t - fr;          // streamed vector index
    wire [31:0] wi       = t - wb_start;             // result vector index
    wire        fold_end = busy && (t == t_last);
    wire        last_fold = (r_left <= ROWS32) && (c_left <= COLS32);
    wire        empty_cmd = (cmd_m == 32'd0) || (cmd_n == 32'd0) || (cmd_k == 32'd0);

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            done <= 1'b0;
            df <= 2'd0;
            accumulate <= 1'b0;
            m <= 32'd0;
            n <= 32'd0;
            k <= 32'd0;
            r0 <= 32'd0;
            c0 <= 32'd0;
            t <= 32'd0;
        end else begin
            done <= 1'b0;
            if (!busy) begin
                if (start) begin
                    df <= cmd_dataflow;
                    accumulate <= cmd_accumulate;
                    m <= cmd_m;
                    n <= cmd_n;
                    k <= cmd_k;
                    r0 <= 32'd0;
                    c0 <= 32'd0;
                    t <= 32'd0;
                    if (empty_cmd) done <= 1'b1;
                    else busy <= 1'b1;
                end
            end else if (fold_end) begin
                t <= 32'd0;
                if (c_left > COLS32) begin
                    c0 <= c0 + COLS32;
                end else begin
                    c0 <= 32'd0;
                    r0 <= r0 + ROWS32;
                    if (last_fold) begin
                        busy <= 1'b0;
                        done <= 1'b1;
                    end
                end
            end else begin
                t <= t + 32'd1;
            end
        end
    end

    assign ready = !busy;
    assign clear = (!busy && start) || fold_end;

    // fr <= ROWS and fc <= COLS, so the low bits of fr-1 and fc-1 are exact.
    localparam [$clog2(ROWS)-1:0] ROW_ONE = 1;
    localparam [$clog2(COLS)-1:0] COL_ONE = 1;
    assign w_en      = loading;
    assign w_row     = t[$clog2(ROWS)-1:0];
    assign inject    = streaming;
    assign tap_row   = fr[$clog2(ROWS)-1:0] - ROW_ONE;
    assign last_col  = fc[$clog2(COLS)-1:0] - COL_ONE;
    assign drain_row = wi[$clog2(ROWS)-1:0];

    // Weight-stationary: stream A rows, load B rows, write C rows.
    // Input-stationary:  load A columns, stream B columns, write C columns.
    // Output-stationary: stream A columns and B rows, drain C rows.
    assign a_en   = is ? loading : streaming;
    assign a_row  = ws ? si : (is ? c0 : r0);
    assign a_col  = ws ? r0 : (is ? r0 + t : si);
    assign a_down = !ws;
    assign b_en   = ws ? loading : streaming;
    assign b_row  = ws ? r0 + t : (is ? r0 : si);
    assign b_col  = is ? si : c0;
    assign b_down = is;
    assign c_en   = writing;
    assign c_add  = accumulate || (!os && r0 != 32'd0);
    assign c_row  = ws ? wi : (is ? c0 : r0 + wi);
    assign c_col  = is ? wi : c0;
    assign c_down = is;

    genvar l;
    generate
        for (l = 0; l < COLS; l = l + 1) begin : mask
            assign c_mask[l] = (l < fc);
        end
    endgenerate
endmodule

`default_nettype wire
