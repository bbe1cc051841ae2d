// kiln_vector_lane: one lane of the vector unit, one int8 element per beat,
// with the int8 arithmetic of TFLite's reference kernels (kernels/):
//   SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT, as
//   MultiplyByQuantizedMultiplier (kernels/requantize.h); int32 adds wrap.
// One register for the window's running value (a sum or a maximum) and one
// for the output byte; the arithmetic between them is combinational.
//
// A beat carries the lane's operands a and b and three flags:
//   first: the running value starts over (a new window, pixel or element);
//   pad:   a tap in the padding: it takes a cycle but adds nothing;
//   emit:  the output register takes the command's result after this beat.
// Element-wise commands (vrequant, vadd, vsub, vmul, vmax, vmin, vlut) emit
// on every beat; a max pool emits on its window's last tap; an average pool
// and a mean emit on a step of their own after the last tap (a pad beat: the
// divide or rescale). vlut's table beats reach the unit's table register, not
// the lanes (kiln_vector).
// vdwconv: the lane holds its channel's taps (at most 64) and its record
// (bias, multiplier, shift), written by the unit's load beats; a window's
// beat multiplies the tile byte less in_zp by the tap the unit's counter
// selects, and the rescale step adds the bias (wrapping) and rescales with
// the lane's own multiplier and shift, through the mean's rescaler.
`default_nettype none

module kiln_vector_lane #(
    // Fault injection for verification tests only: 1 flips bit 0 of this
    // lane's vadd result. Always 0 in a real build (rtl/CMakeLists.txt).
    parameter integer FAULT = 0
) (
    input  wire        clk,
    input  wire [3:0]  op,          // kiln_vector's OP_* (latched by the unit)
    input  wire        beat,
    input  wire        first,
    input  wire        pad,
    input  wire        emit,
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    // Per-command parameters (latched by the unit).
    input  wire [7:0]  a_zp,
    input  wire [31:0] a_mult,
    input  wire [7:0]  a_shift,
    input  wire [7:0]  b_zp,
    input  wire [31:0] b_mult,
    input  wire [7:0]  b_shift,
    input  wire [7:0]  out_zp,
    input  wire [31:0] out_mult,
    input  wire [7:0]  out_shift,
    input  wire [4:0]  left_shift,
    input  wire [7:0]  act_min,
    input  wire [7:0]  act_max,
    input  wire [31:0] mean_zp_n,   // in_zp * h * w (int32, wrapping)
    // vlut: the unit's 256-entry table, entry e in bits [8e+7:8e]; this
    // lane's read port is a 256-way byte select.
    input  wire [2047:0] lut_entries,
    // vdwconv: the tap of this beat (a load's or a window's), and the load
    // beats' write enables with the record word.
    input  wire [5:0]  tap_sel,
    input  wire        load_tap,
    input  wire        load_bias,
    input  wire        load_mult,
    input  wire        load_shift,
    input  wire [31:0] w,
    output reg  [7:0]  out
);
    // Inlined into kiln_vector: a Verilated instance that is not inlined
    // names itself through Verilator's thread-local buffer, which outlives
    // the simulation thread as a leak under LeakSanitizer.
    /* verilator inline_module */
    localparam [3:0] OP_REQUANT = 4'd0, OP_ADD = 4'd1, OP_MAX = 4'd2, OP_MIN = 4'd3,
                     OP_MAXPOOL = 4'd4, OP_AVGPOOL = 4'd5, OP_MEAN = 4'd6,
                     OP_SUB = 4'd7, OP_MUL = 4'd8, OP_LUT = 4'd9, OP_DWCONV = 4'd10;

    // (a * b * 2) >> 32 rounded half away from zero; saturates INT32_MIN^2.
    function automatic [31:0] srdhm(input [31:0] x, input [31:0] m);
        reg signed [63:0] ab, t;
        /* verilator lint_off UNUSEDSIGNAL */
        reg signed [63:0] q;  // fits 32 bits but for INT32_MIN^2, handled apart
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            ab = $signed({{32{x[31]}}, x}) * $signed({{32{m[31]}}, m});
            t = ab + (ab[63] ? 64'sd1 - 64'sd1073741824 : 64'sd1073741824);
            // Division by 2^31 truncating toward zero, as C++'s int64 divide.
            q = t[63] ? -((-t) >>> 31) : (t >>> 31);
            srdhm = (x == 32'h80000000 && m == 32'h80000000) ? 32'h7fffffff : q[31:0];
        end
    endfunction

    // x / 2^e rounded half away from zero, e in [0, 31].
    function automatic [31:0] rdbp(input [31:0] x, input [4:0] e);
        reg [31:0] mask, remainder, threshold, shifted;
        begin
            mask = (32'd1 << e) - 32'd1;
            remainder = x & mask;
            threshold = (mask >> 1) + {31'd0, x[31]};
            shifted = $signed(x) >>> e;  // a statement of its own: arithmetic, not widened unsigned
            rdbp = shifted + {31'd0, remainder > threshold};
        end
    endfunction

    // x * mult * 2^shift: a positive shift shifts left (wrapping) before the
    // multiply, a negative one rounds right after it; shift in [-31, 31].
    function automatic [31:0] mbqm(input [31:0] x, input [31:0] mult, input [7:0] shift);
        reg [4:0] right;
        begin
            right = -shift[4:0];  // shift in [-31, 0] here
            if ($signed(shift) > 0) mbqm = srdhm(x << shift[4:0], mult);
            else mbqm = rdbp(srdhm(x, mult), right);
        end
    endfunction

    // int32 to int8: clamp to [lo, hi] (both int8).
    function automatic [7:0] clamp8(input [31:0] v, input [7:0] lo, input [7:0] hi);
        begin
            if ($signed(v) < $signed({{24{lo[7]}}, lo})) clamp8 = lo;
            else if ($signed(v) > $signed({{24{hi[7]}}, hi})) clamp8 = hi;
            else clamp8 = v[7:0];
        end
    endfunction

    function automatic [31:0] sext8(input [7:0] v);
        sext8 = {{24{v[7]}}, v};
    endfunction

    // vdwconv's registers: the channel's taps and record.
    reg  [7:0]  tap_regs [0:63];
    reg  [31:0] dw_bias, dw_mult;
    reg  [7:0]  dw_shift;  // the record's shift is in [-31, 30]: its low byte
    always @(posedge clk) if (load_tap) tap_regs[tap_sel] <= a;
    always @(posedge clk) if (load_bias) dw_bias <= w;
    always @(posedge clk) if (load_mult) dw_mult <= w;
    always @(posedge clk) if (load_shift) dw_shift <= w[7:0];

    // The window: its running value and the taps it counted (not the padding).
    reg  [31:0] acc;
    reg  [16:0] taps;
    wire [31:0] acc_in  = first ? (op == OP_MAXPOOL ? 32'hffffff80 : 32'd0) : acc;
    wire [16:0] taps_in = first ? 17'd0 : taps;
    wire [31:0] a_wide  = sext8(a);
    // vdwconv's term: (tile byte - in_zp) * tap, at most 2^16 in magnitude.
    wire [31:0] dw_term = (a_wide - sext8(a_zp)) * sext8(tap_regs[tap_sel]);
    wire [31:0] acc_next = pad ? acc_in
                         : (op == OP_MAXPOOL ? ($signed(a_wide) > $signed(acc_in) ? a_wide : acc_in)
                            : op == OP_DWCONV ? acc_in + dw_term
                                              : acc_in + a_wide);
    wire [16:0] taps_next = taps_in + {16'd0, ~pad};

    always @(posedge clk) if (beat) acc <= acc_next;
    always @(posedge clk) if (beat) taps <= taps_next;

    // vrequant: clamp(MBQM(a - in_zp, mult, shift) + out_zp)
    wire [31:0] requant = mbqm(a_wide - sext8(a_zp), a_mult, a_shift) + sext8(out_zp);

    // vadd, vsub: each input shifted left and rescaled, their sum (or
    // difference, wrapping as an int32 subtractor) rescaled.
    // vmul: the product of the inputs less their zero points (|.| <= 255, so
    // below 2^16), rescaled by the one multiplier; its shift may be positive.
    // The three share the output rescale.
    wire [31:0] a_off    = a_wide - sext8(a_zp);
    wire [31:0] b_off    = sext8(b) - sext8(b_zp);
    wire [31:0] a_scaled = mbqm(a_off << left_shift, a_mult, a_shift);
    wire [31:0] b_scaled = mbqm(b_off << left_shift, b_mult, b_shift);
    wire [31:0] combined = op == OP_MUL ? a_off * b_off
                         : op == OP_SUB ? a_scaled - b_scaled
                                        : a_scaled + b_scaled;
    wire [31:0] sum      = mbqm(combined, out_mult, out_shift) + sext8(out_zp);

    // vlut: the table's entry at the input's byte (its uint8 value).
    wire [7:0]  looked_up = lut_entries[{a, 3'b000} +: 8];

    // vavgpool: the sum over the counted taps, divided rounding half away
    // from zero (C++'s truncating divide of sum +- taps/2).
    wire [31:0] divisor  = {15'd0, taps_in == 17'd0 ? 17'd1 : taps_in};
    wire [31:0] half     = divisor >> 1;
    wire [31:0] avg      = $signed(acc_in) > 0 ? $signed(acc_in + half) / $signed(divisor)
                                               : $signed(acc_in - half) / $signed(divisor);

    // vmean: the sum less in_zp * n, rescaled by the folded multiplier;
    // vdwconv: the sum plus the bias, rescaled by the lane's own. One rescaler.
    wire        dw       = op == OP_DWCONV;
    wire [31:0] rescaled = mbqm(dw ? acc_in + dw_bias : acc_in - mean_zp_n, dw ? dw_mult : out_mult,
                                dw ? dw_shift : out_shift) + sext8(out_zp);

    wire signed [7:0] sa = a, sb = b;
    wire [7:0] fault = (FAULT != 0 && op == OP_ADD) ? 8'd1 : 8'd0;
    reg  [7:0] result;
    always @* begin
        case (op)
            OP_REQUANT: result = clamp8(requant, act_min, act_max);
            OP_ADD:     result = clamp8(sum, act_min, act_max) ^ fault;
            OP_MAX:     result = sa > sb ? a : b;
            OP_MIN:     result = sa < sb ? a : b;
            OP_MAXPOOL: result = clamp8(acc_next, act_min, act_max);
            OP_AVGPOOL: result = clamp8(avg, act_min, act_max);
            OP_MEAN:    result = clamp8(rescaled, 8'h80, 8'h7f);
            OP_SUB:     result = clamp8(sum, act_min, act_max);
            OP_MUL:     result = clamp8(sum, act_min, act_max);
            OP_LUT:     result = looked_up;
            OP_DWCONV:  result = clamp8(rescaled, act_min, act_max);
            default:    result = 8'd0;
        endcase
    end

    always @(posedge clk) if (beat && emit) out <= result;
endmodule

`default_nettype wire
