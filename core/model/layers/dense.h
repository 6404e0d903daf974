#pragma once

#include "gemm.h"
#include "layer.h"

namespace frontier::model {

// "dense": fully connected layer, out = in · weightᵀ + bias (PyTorch/ONNX layout).
// Attributes: units (>= 1). Params: weight [units, in], bias [units], where in is the
// number of elements of an input sample (any input shape is read as flat).
// Output shape {units}. MACs per sample: in · units.
// forward(): one GEMM (Eigen) per call, or, after prepareInference(), the AVX-512 kernel
// of gemm.h on weights packed once, with the bias (and a fused ReLU) applied in its
// epilogue.
class Dense : public Layer
{
public:
    explicit Dense(const Attributes &attributes);

    std::string type() const override { return "dense"; }
    std::unique_ptr<Layer> clone() const override;
    Shape outputShape(const std::vector<Shape> &inputs) const override;
    void forward(const std::vector<const Tensor *> &in, Tensor &out, Workspace &ws) const override;
    void forwardNaive(const std::vector<const Tensor *> &in, Tensor &out) const override;
    void backward(const std::vector<const Tensor *> &in, const Tensor &out, const Tensor &gradOut,
                  const std::vector<Tensor *> &gradIn, std::vector<std::vector<float>> &gradParams,
                  const LayerCache &cache, Workspace &ws) const override;
    void initialize(const std::vector<Shape> &inputs, uint64_t seed) override;
    Attributes attributes() const override;
    LayerStats stats(const std::vector<Shape> &inputs) const override;

    int units() const { return m_units; }

    // For an inference-only copy of the layer (the Engine's): packs the current weights
    // for the GEMM kernel of gemm.h, and with fuseRelu makes forward(), forwardRaw() and
    // forwardNaive() return relu(in · weightᵀ + bias), so that a ReLU reading only this
    // layer can be dropped. Later changes of the weights are not seen by forward() until
    // prepareInference() is called again; backward() throws Error on a layer with a
    // fused ReLU. Throws Error when the weights are not initialised. Not thread-safe;
    // the prepared layer is (forward() is const).
    void prepareInference(bool fuseRelu);
    bool fusedRelu() const { return m_fusedRelu; }

    // forward() on raw sample-major buffers without argument checks, for callers that
    // validated the shapes beforehand (the Engine, when compiling its plan): x holds
    // n >= 1 samples of inputSize floats, where inputSize · units == weight size; y
    // receives n · units floats and may not overlap x. Allocates nothing.
    void forwardRaw(const float *x, int n, float *y) const;

private:
    int inputSize(const std::vector<Shape> &inputs) const;

    int m_units = 1;
    bool m_fusedRelu = false;
    int m_packedInput = 0;        // input size the packed weights were made for; 0: none
    gemm::AlignedVector m_packed; // weightᵀ in panels (gemm::packPanelsTransposed)
};

} // namespace frontier::model
