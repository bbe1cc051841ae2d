// kiln_skew: delays lane l of a vector by l cycles, so that element l of a
// vector presented in one cycle reaches array row (or column) l one cycle
// after element l-1 reached row l-1: the diagonal wavefront of a systolic
// array. Lane 0 passes through combinationally; lane l is a shift register of
// l stages, held as one packed vector (stage s in bits [s*W +: W]).
`default_nettype none

module kiln_skew #(
    parameter integer LANES = 8,
    parameter integer W = 8
) (
    input  wire               clk,
    input  wire               clear,
    input  wire [LANES*W-1:0] in,
    output wire [LANES*W-1:0] out
);
    assign out[W-1:0] = in[W-1:0];

    genvar l;
    generate
        for (l = 1; l < LANES; l = l + 1) begin : lane
            reg [l*W-1:0] stages;
            if (l == 1) begin : one
                always @(posedge clk) stages <= clear ? {W{1'b0}} : in[l*W +: W];
            end else begin : many
                always @(posedge clk)
                    stages <= clear ? {(l*W){1'b0}} : {stages[(l-1)*W-1:0], in[l*W +: W]};
            end
            assign out[l*W +: W] = stages[(l-1)*W +: W];
        end
    endgenerate
endmodule

`default_nettype wire
