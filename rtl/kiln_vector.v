// kiln_vector: the NPU's vector unit, LANES int8 lanes (kiln_vector_lane)
// under one command register. A command is a start cycle, which latches the
// opcode and parameters, then one beat per cycle: LANES operand bytes and the
// beat's flags (kiln_vector_lane). The beat flagged `last` ends the command:
// done is high after its edge, and out holds the last emitted result.
//
// The driver (sim/verilated_vector_core.h) streams the operands from the
// scratchpads one beat per cycle, as the closed-form timing of
// arch/vector_timing.h counts them: cycles from the start edge to done are
//   element-wise: 1 + passes * ceil(count / LANES)   (an idle cycle before
//                 each beat when both operands share a scratchpad bank)
//   pools:        1 + out_h * out_w * (kh * kw + avg) * ceil(c / LANES)
//   mean:         1 + (h * w + 1) * ceil(c / LANES)
//   table (vlut): 1 + ceil(256 / LANES) + passes * ceil(count / LANES)
//   depthwise:    1 + ceil(c / LANES) * (kh*kw + 3 + out_h*out_w * (kh*kw + 1))
// vlut's first ceil(256 / LANES) beats carry its table, LANES entries each
// in entry order on beat_a (the unit counts them), into the table register
// that every lane reads through a port of its own; then its operand streams.
// vmul's b arrives as the driver wraps it, element i as b[i % b_count].
// vdwconv (depthwise convolution) takes, per group of LANES channels, load
// beats (beat_load) first: kh*kw of taps, one byte per lane on beat_a, then
// three of the records, one int32 per lane on beat_w (bias, multiplier,
// shift), into registers of each lane; then per output pixel one beat per tap
// of the window (a tile byte per lane, padding flagged pad) and a rescale
// step. A tap counter, restarted by beat_first, numbers the beats of a load
// and of a window: the lanes write and read their taps by it.
// The mean's multiplier with 1/(h*w) folded in (kernels/mean.cpp) is
// computed in the start cycle.
`default_nettype none

module kiln_vector #(
    parameter integer LANES = 16,
    // Fault injection for verification tests only: lane FAULT_LANE's vadd
    // result has bit 0 flipped. -1 (none) in a real build.
    parameter integer FAULT_LANE = -1
) (
    input  wire                 clk,
    input  wire                 rst,
    // Command: held with start for one cycle.
    input  wire                 start,
    input  wire [3:0]           cmd_op,        // OP_* of kiln_vector_lane
    input  wire [7:0]           cmd_a_zp,      // vadd, vsub, vmul: a's zero point; vrequant, vmean, vdwconv: the input's
    input  wire [31:0]          cmd_a_mult,
    input  wire [7:0]           cmd_a_shift,
    input  wire [7:0]           cmd_b_zp,
    input  wire [31:0]          cmd_b_mult,
    input  wire [7:0]           cmd_b_shift,
    input  wire [7:0]           cmd_out_zp,
    input  wire [31:0]          cmd_out_mult,  // vmul: its one multiplier; vmean: the unfolded one
    input  wire [7:0]           cmd_out_shift, // vmean: the unfolded shift
    input  wire [4:0]           cmd_left_shift,
    input  wire [7:0]           cmd_act_min,
    input  wire [7:0]           cmd_act_max,
    input  wire [15:0]          cmd_h,         // vmean: the pixels summed are h * w
    input  wire [15:0]          cmd_w,
    input  wire [6:0]           cmd_taps,      // vdwconv: kh * kw, 1..64
    // Beats.
    input  wire                 beat,
    input  wire                 beat_first,
    input  wire                 beat_pad,
    input  wire                 beat_emit,
    input  wire                 beat_last,
    input  wire                 beat_load,     // vdwconv: a beat of taps or records, not of the tile
    input  wire [LANES*8-1:0]   beat_a,
    input  wire [LANES*8-1:0]   beat_b,
    input  wire [LANES*32-1:0]  beat_w,        // vdwconv's record beats: one int32 per lane
    output wire [LANES*8-1:0]   out,
    output reg                  out_valid,     // out took a result at the last edge
    output reg                  busy,
    output reg                  done
);
    localparam [3:0] OP_MEAN = 4'd6, OP_LUT = 4'd9, OP_DWCONV = 4'd10;
    localparam integer TABLE_BEATS = (256 + LANES - 1) / LANES;

    reg [3:0]  op;
    reg [7:0]  a_zp, a_shift, b_zp, b_shift, out_zp, out_shift, act_min, act_max;
    reg [31:0] a_mult, b_mult, out_mult, mean_zp_n;
    reg [4:0]  left_shift;
    reg [6:0]  taps;

    // The mean's folded multiplier (kernels/mean.cpp, mean_folded_multiplier):
    // k = min(floor(log2 n), 31 + shift), mult' = (mult << k) / n, shift' = shift - k.
    wire [31:0] n = {16'd0, cmd_h} * {16'd0, cmd_w};
    reg  [5:0]  log2_n;
    integer i;
    always @* begin
        log2_n = 6'd0;
        for (i = 1; i < 32; i = i + 1)
            if (n[i]) log2_n = i[5:0];
    end
    wire [8:0]  shift_room = 9'sd31 + {cmd_out_shift[7], cmd_out_shift};  // 31 + shift >= 0
    wire [5:0]  k = ({3'd0, log2_n} > shift_room) ? shift_room[5:0] : log2_n;
    /* verilator lint_off UNUSEDSIGNAL */
    // The quotient is at most mult < 2^31: its low word.
    wire [63:0] folded = ({32'd0, cmd_out_mult} << k) / {32'd0, (n == 32'd0 ? 32'd1 : n)};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [7:0]  folded_shift = cmd_out_shift - {2'd0, k};

    always @(posedge clk) begin
        if (start) begin
            op <= cmd_op;
            a_zp <= cmd_a_zp;
            a_mult <= cmd_a_mult;
            a_shift <= cmd_a_shift;
            b_zp <= cmd_b_zp;
            b_mult <= cmd_b_mult;
            b_shift <= cmd_b_shift;
            out_zp <= cmd_out_zp;
            out_mult <= cmd_op == OP_MEAN ? folded[31:0] : cmd_out_mult;
            out_shift <= cmd_op == OP_MEAN ? folded_shift : cmd_out_shift;
            left_shift <= cmd_left_shift;
            act_min <= cmd_act_min;
            act_max <= cmd_act_max;
            taps <= cmd_taps;
            mean_zp_n <= {{24{cmd_a_zp[7]}}, cmd_a_zp} * n;
        end
    end

    wire take = busy && beat;

    // vlut's table: the beats counted since the start, and the entries.
    reg  [8:0]    table_beats;
    reg  [2047:0] lut_entries;
    wire          loading = op == OP_LUT && {23'd0, table_beats} < TABLE_BEATS;
    always @(posedge clk) begin
        if (start) table_beats <= 9'd0;
        else if (take && loading) table_beats <= table_beats + 9'd1;
    end
    genvar e;
    generate
        for (e = 0; e < 256; e = e + 1) begin : entry
            localparam integer BEAT = e / LANES;
            localparam integer LANE = e % LANES;
            always @(posedge clk)
                if (take && loading && {23'd0, table_beats} == BEAT)
                    lut_entries[e*8 +: 8] <= beat_a[LANE*8 +: 8];
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            done <= 1'b0;
            out_valid <= 1'b0;
        end else begin
            out_valid <= take && beat_emit;
            if (start) begin
                busy <= 1'b1;
                done <= 1'b0;
            end else if (take && beat_last) begin
                busy <= 1'b0;
                done <= 1'b1;
            end
        end
    end

    // vdwconv: the tap counter (the beat's number in its load or window) and
    // what a load beat writes: tap tap_at, or record tap_at - taps.
    reg  [6:0] tap_count;
    wire [6:0] tap_at = beat_first ? 7'd0 : tap_count;
    always @(posedge clk) if (take && op == OP_DWCONV) tap_count <= tap_at + 7'd1;
    wire dw_load    = take && op == OP_DWCONV && beat_load;
    wire load_tap   = dw_load && tap_at < taps;
    wire load_bias  = dw_load && tap_at == taps;
    wire load_mult  = dw_load && tap_at == taps + 7'd1;
    wire load_shift = dw_load && tap_at == taps + 7'd2;

    genvar l;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : lane
            kiln_vector_lane #(.FAULT(l == FAULT_LANE ? 1 : 0)) u (
                .clk(clk), .op(op), .beat(take && !loading && !dw_load), .first(beat_first), .pad(beat_pad), .emit(beat_emit),
                .a(beat_a[l*8 +: 8]), .b(beat_b[l*8 +: 8]),
                .a_zp(a_zp), .a_mult(a_mult), .a_shift(a_shift),
                .b_zp(b_zp), .b_mult(b_mult), .b_shift(b_shift),
                .out_zp(out_zp), .out_mult(out_mult), .out_shift(out_shift),
                .left_shift(left_shift), .act_min(act_min), .act_max(act_max),
                .mean_zp_n(mean_zp_n), .lut_entries(lut_entries),
                .tap_sel(tap_at[5:0]), .load_tap(load_tap), .load_bias(load_bias), .load_mult(load_mult),
                .load_shift(load_shift), .w(beat_w[l*32 +: 32]), .out(out[l*8 +: 8]));
        end
    endgenerate
endmodule

`default_nettype wire
