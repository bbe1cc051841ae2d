// kiln_pe: one processing element of the systolic array, an int8 x int8
// multiplier feeding an int32 adder (two's-complement wrap, as in hardware).
//
// Three registers: a_q, the streamed operand passed right; m_q, the
// multiplicand; sum_q, the sum. Weight-/input-stationary (os = 0): m_q holds
// the stationary operand (loaded by w_load), sum_q is the partial sum passed
// down: sum_in + a_in * m_q. Output-stationary (os = 1): m_q is the operand
// streaming down (m_in from above), sum_q the accumulator: sum_q + a_in * m_in.
// One register per always block; the product is read only by sum_q's update
// and driven by registers, so a simulator (Verilator) computes it once per
// clock edge.
`default_nettype none

module kiln_pe #(
    // Fault injection for verification tests only: 1 adds one to every
    // product of this PE. Always 0 in a real build (rtl/CMakeLists.txt).
    parameter integer FAULT = 0
) (
    input  wire        clk,
    input  wire        clear,     // empty the pipeline (a_q, sum_q; m_q in output-stationary)
    input  wire        os,        // 1: output-stationary
    input  wire        w_load,    // latch w_in as the stationary operand
    input  wire [7:0]  w_in,
    input  wire [7:0]  a_in,      // streamed operand, from the left
    input  wire [7:0]  m_in,      // output-stationary: second operand, from above
    input  wire [31:0] sum_in,    // stationary dataflows: partial sum from above
    output reg  [7:0]  a_q,
    output reg  [7:0]  m_q,
    output reg  [31:0] sum_q
);
    localparam [31:0] FAULT_DELTA = (FAULT != 0) ? 32'd1 : 32'd0;

    wire [7:0]  multiplicand = os ? m_in : m_q;
    wire [31:0] addend       = os ? sum_q : sum_in;
    wire [31:0] product      = {{24{a_in[7]}}, a_in} * {{24{multiplicand[7]}}, multiplicand};

    always @(posedge clk) sum_q <= clear ? 32'd0 : addend + product + FAULT_DELTA;
    always @(posedge clk) m_q <= os ? (clear ? 8'd0 : m_in) : (w_load ? w_in : m_q);
    always @(posedge clk) a_q <= clear ? 8'd0 : a_in;
endmodule

`default_nettype wire
