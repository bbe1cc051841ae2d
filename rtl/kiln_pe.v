// kiln_pe: one processing element of the systolic array, an int8 x int8
// multiplier feeding an int32 adder (two's-complement wrap, as in hardware).
//
// Weight-/input-stationary (os = 0): multiplies the operand streaming in from
// the left by the stationary operand w_q, passes the streamed operand right
// and the partial sum down.
// Output-stationary (os = 1): multiplies the operand from the left by the one
// from above, passes both on, and keeps the sum in acc.
`default_nettype none

module kiln_pe #(
    // Fault injection for verification tests only: 1 adds one to every
    // product of this PE. Always 0 in a real build (rtl/CMakeLists.txt).
    parameter integer FAULT = 0
) (
    input  wire        clk,
    input  wire        clear,     // empty the pipeline registers (w_q is kept)
    input  wire        os,        // 1: output-stationary
    input  wire        w_load,    // latch w_in as the stationary operand
    input  wire [7:0]  w_in,
    input  wire [7:0]  a_in,      // streamed operand, from the left
    input  wire [7:0]  b_in,      // output-stationary: second operand, from above
    input  wire [31:0] psum_in,   // stationary dataflows: partial sum from above
    output reg  [7:0]  a_out,
    output reg  [7:0]  b_out,
    output reg  [31:0] psum_out,
    output reg  [31:0] acc
);
    reg  [7:0]         w_q;
    wire [7:0]         multiplicand = os ? b_in : w_q;
    wire signed [15:0] product = $signed(a_in) * $signed(multiplicand);
    localparam [31:0]  FAULT_DELTA = (FAULT != 0) ? 32'd1 : 32'd0;
    wire [31:0]        product32 = {{16{product[15]}}, product} + FAULT_DELTA;

    always @(posedge clk) begin
        if (w_load) w_q <= w_in;
        if (clear) begin
            a_out    <= 8'd0;
            b_out    <= 8'd0;
            psum_out <= 32'd0;
            acc      <= 32'd0;
        end else begin
            a_out    <= a_in;
            b_out    <= b_in;
            psum_out <= psum_in + product32;
            if (os) acc <= acc + product32;
        end
    end
endmodule

`default_nettype wire
