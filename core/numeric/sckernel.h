#pragma once

#include "bitstream.h"
#include "layerkernel.h"

namespace frontier::numeric {

// Stochastic computing (sc<k>, L = 2^k) weighted layers, simulated bit by bit.
//
// Per layer, max-abs scaling: s_w = max |w| over the layer, s_x = max(|min|, |max|) of
// the layer's calibrated input range (1 when 0). Each weight w and each input element x
// becomes a k-bit level (bipolarLevel of w / s_w, x / s_x) and a bipolar stream from its
// own generator (bitstream.h): role 1 for weights, role 0 for activations; every
// generator has its own start offset, a hash of (the format's seed, the layer index, the
// role, the element index: the weight's flat index, or the input element's flat index
// within a sample, the same for every sample). A product is the XNOR of two streams; an
// exact parallel counter adds the agreements of all K products of one output:
//   sum = sum_k (2 * agreements_k - L)      (an integer, |sum| <= K * L)
// and the output, in binary, is y = fma(float32(sum), s_x * s_w / L, bias) (float32;
// s_x * s_w as a float32 product). Padding of a convolution contributes nothing (the
// counter has no input there). The next layer re-encodes its input from binary.
//
// :stat (statistical mode, an explicit option, never a silent substitute): the counter
// is replaced by its distribution for independent Bernoulli streams of the same levels,
//   sum = sum_k p_k + sqrt(sum_k (1 - p_k^2) / L) * z,  p_k = (2c_x/L - 1)(2c_w/L - 1),
// z ~ N(0, 1) from a generator seeded by (seed, layer, sample index, output index), and
// y = fma(float32(sum * L), s_x * s_w / L, bias). Evaluated in float64 in ascending k.
//
// Memory: the weight streams are generated once, outputs * K * ceil(L/64) words; a layer
// needing more than 1 GiB throws Error (use a smaller k or :stat).
class ScKernel : public WeightedKernel
{
public:
    explicit ScKernel(const KernelSetup &setup);

    void forward(const model::Tensor &in, model::Tensor &out, KernelScratch &s,
                 int64_t firstSample) const override;
    void forwardNaive(const model::Tensor &in, model::Tensor &out,
                      int64_t firstSample) const override;
    std::string describe() const override;

    // Start offset of a generator (role 0: input element, role 1: weight index).
    uint32_t offset(int role, int64_t index) const;
    float inputScale() const { return m_inScale; }
    float weightScale() const { return m_weightScale; }

private:
    void encodeSample(const float *x, uint64_t *streams) const;
    float output(int64_t sum, int channel) const;
    void statistical(const float *x, float *y, int64_t sample) const;
    void bitLevelDense(const model::Tensor &in, model::Tensor &out, KernelScratch &s) const;
    void bitLevelConv(const model::Tensor &in, model::Tensor &out, KernelScratch &s) const;

    std::string m_name;
    int m_k = 0;
    int64_t m_length = 0;
    int m_words = 0;
    bool m_statistical = false;
    uint64_t m_seed = 0;
    uint64_t m_layerId = 0;
    StreamSource m_xSource;
    StreamSource m_wSource;
    float m_inScale = 1.0f;
    float m_weightScale = 1.0f;
    float m_outScale = 1.0f;          // s_x * s_w / L
    std::vector<uint32_t> m_wLevels;  // [outputs, k]
    std::vector<uint64_t> m_wStreams; // [outputs][k][words] (bit-level mode)
    std::vector<float> m_bias;
    std::vector<int64_t> m_padOnes;    // conv: [outputs, pixels] ones of padded weights
    std::vector<int64_t> m_validTerms; // conv: [pixels] non-padded k
};

} // namespace frontier::numeric
