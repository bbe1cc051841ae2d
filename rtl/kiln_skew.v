// kiln_skew: delays lane l of a vector by l cycles, so that element l of a
// vector presented in one cycle reaches array row (or column) l one cycle
// after element l-1 reached row l-1: the diagonal wavefront of a systolic
// array. Lane 0 passes through combinationally.
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
            reg [W-1:0] stage [0:l-1];
            integer s;
            always @(posedge clk) begin
                for (s = 0; s < l; s = s + 1) begin
                    if (clear)       stage[s] <= {W{1'b0}};
                    else if (s == 0) stage[s] <= in[l*W +: W];
                    else             stage[s] <= stage[s-1];
                end
            end
            assign out[l*W +: W] = stage[l-1];
        end
    endgenerate
endmodule

`default_nettype wire
