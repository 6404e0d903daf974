#pragma once

#include "dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace frontier::data {

// The built-in "synth-digits" set: 28x28 grey digit-like images of 10 balanced classes,
// rendered from stroke templates (see glyphs.cpp and datasets/README.md) under random
// affine transforms, stroke widths, pen pressure, clutter strokes, erasures and pixel
// noise. Made so that the whole tool runs on a machine with nothing downloaded, and hard
// enough that a small MLP stays clearly below 100 % accuracy.
//
// Deterministic: a (samples, seed) pair gives the same bytes on every machine and for any
// thread count (fixed blocks of kSynthBlock samples, each with Random(seed).split(block);
// plain IEEE arithmetic without contraction; no libm transcendental functions).
constexpr int kSynthDefaultSamples = 12000;
constexpr int kSynthBlock = 250;

// The raw generator output: samples * 784 pixels 0..255 (row-major) and samples labels.
struct SynthDigitsImages
{
    std::vector<uint8_t> pixels;
    std::vector<uint8_t> labels;
};

// Parallel (oneTBB over blocks) and serial twins; identical output. samples >= 1.
// Throws Error("synth-digits", ...) for samples < 1 or > 10,000,000.
SynthDigitsImages renderSynthDigits(int samples, uint64_t seed);
SynthDigitsImages renderSynthDigitsSerial(int samples, uint64_t seed);

// As a Dataset: shape {1, 28, 28}, values 0..255 as float (like MNIST), class names
// "0".."9", name "synth-digits", source "synth-digits(samples=N, seed=S)", contentHash the
// SHA-256 of the pixels followed by the labels (one byte each). Thread-safe.
Dataset generateSynthDigits(int samples = kSynthDefaultSamples, uint64_t seed = 1);

} // namespace frontier::data
