// kiln_deskew: undoes the skew of the array's column outputs. With last+1
// active columns, column l produces row i of the result (last - l) cycles
// before the last active column does, so lane l is delayed by (last - l)
// cycles and every active lane presents the same result row in the same
// cycle. Lane l keeps a chain of LANES-1-l registers (the longest delay it
// can need) and picks its tap with a one-hot AND-OR mux; lanes beyond
// `last` read as zero.
`default_nettype none

module kiln_deskew #(
    parameter integer LANES = 8,
    parameter integer W = 32
) (
    input  wire                     clk,
    input  wire                     clear,
    input  wire [$clog2(LANES)-1:0] last,  // index of the last active lane
    input  wire [LANES*W-1:0]       in,
    output wire [LANES*W-1:0]       out
);
    genvar l, s;
    generate
        for (l = 0; l < LANES; l = l + 1) begin : lane
            localparam integer DEPTH = LANES - 1 - l;
            // taps[d]: the lane's input delayed by d cycles.
            wire [W-1:0] taps [0:DEPTH];
            assign taps[0] = in[l*W +: W];
            if (DEPTH > 0) begin : chain
                // Stage d (1..DEPTH) in bits [(d-1)*W +: W].
                reg [DEPTH*W-1:0] stages;
                if (DEPTH == 1) begin : one
                    always @(posedge clk) stages <= clear ? {W{1'b0}} : in[l*W +: W];
                end else begin : many
                    always @(posedge clk)
                        stages <= clear ? {(DEPTH*W){1'b0}} : {stages[(DEPTH-1)*W-1:0], in[l*W +: W]};
                end
                for (s = 1; s <= DEPTH; s = s + 1) begin : tap
                    assign taps[s] = stages[(s-1)*W +: W];
                end
            end
            // Delay s is the one needed when last == l + s.
            wire [DEPTH:0] hit;
            for (s = 0; s <= DEPTH; s = s + 1) begin : select
                localparam integer AT = l + s;
                assign hit[s] = (last == AT[$clog2(LANES)-1:0]);
            end
            reg [W-1:0] picked;
            integer p;
            always @* begin
                picked = {W{1'b0}};
                for (p = 0; p <= DEPTH; p = p + 1)
                    if (hit[p]) picked = taps[p];
            end
            assign out[l*W +: W] = picked;
        end
    endgenerate
endmodule

`default_nettype wire
