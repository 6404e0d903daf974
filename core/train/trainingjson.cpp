// TrainingResult::toJson(): the JSON the CLI prints and the report reads.

#include "quanttraining.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace frontier::train {

namespace {

QJsonObject macsJson(const PassMacs &m)
{
    QJsonObject o;
    o[QStringLiteral("forward")] = m.forward;
    o[QStringLiteral("backward_input")] = m.backwardInput;
    o[QStringLiteral("backward_weight")] = m.backwardWeight;
    o[QStringLiteral("update")] = m.update;
    o[QStringLiteral("total")] = m.total();
    return o;
}

QJsonObject energyJson(const std::map<std::string, PassEnergy> &energy)
{
    QJsonObject o;
    for (const auto &[preset, e] : energy) {
        QJsonObject p;
        p[QStringLiteral("gemm_pj")] = e.gemm_pj;
        p[QStringLiteral("update_pj")] = e.update_pj;
        p[QStringLiteral("total_pj")] = e.total_pj;
        o[QString::fromStdString(preset)] = p;
    }
    return o;
}

QJsonObject accountJson(const EpochAccount &e)
{
    QJsonObject o;
    if (e.epoch > 0) {
        o[QStringLiteral("epoch")] = e.epoch;
        o[QStringLiteral("loss")] = e.loss;
        o[QStringLiteral("train_accuracy")] = e.trainAccuracy;
        o[QStringLiteral("validation_accuracy")] = e.validationAccuracy;
        o[QStringLiteral("seconds")] = e.seconds;
    }
    o[QStringLiteral("macs")] = macsJson(e.macs);
    o[QStringLiteral("energy")] = energyJson(e.energy);
    QJsonArray layers;
    for (const LayerAccount &l : e.layers) {
        QJsonObject lo;
        lo[QStringLiteral("layer")] = QString::fromStdString(l.layer);
        lo[QStringLiteral("weight_bits")] = l.weightBits;
        lo[QStringLiteral("macs")] = macsJson(l.macs);
        lo[QStringLiteral("energy")] = energyJson(l.energy);
        layers.append(lo);
    }
    o[QStringLiteral("layers")] = layers;
    return o;
}

QJsonObject memoryJson(const ParameterMemory &m)
{
    QJsonObject o;
    o[QStringLiteral("weight_bits")] = double(m.weightBits);
    o[QStringLiteral("master_bits")] = double(m.masterBits);
    o[QStringLiteral("optimizer_bits")] = double(m.optimizerBits);
    o[QStringLiteral("total_bytes")] = double(m.totalBytes());
    return o;
}

} // namespace

std::string TrainingResult::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("method")] = QString::fromStdString(methodName(method));
    o[QStringLiteral("recipe")] = QString::fromStdString(recipe);
    o[QStringLiteral("dataset")] = QString::fromStdString(dataset);
    o[QStringLiteral("format")] = QString::fromStdString(format);
    o[QStringLiteral("seed")] = QString::number(seed);
    o[QStringLiteral("bits")] = bits;
    o[QStringLiteral("cancelled")] = cancelled;
    o[QStringLiteral("train_seconds")] = seconds;
    o[QStringLiteral("test_accuracy")] = testAccuracy;
    o[QStringLiteral("test_accuracy_float")] = testAccuracyFloat;
    QJsonObject energy;
    QJsonObject gemm;
    for (const auto &[preset, e] : total.energy) {
        energy[QString::fromStdString(preset)] = e.total_pj;
        gemm[QString::fromStdString(preset)] = e.gemm_pj;
    }
    o[QStringLiteral("train_energy_pj")] = energy;
    o[QStringLiteral("train_gemm_energy_pj")] = gemm;
    o[QStringLiteral("param_memory_bytes")] = double(parameterMemory.totalBytes());
    o[QStringLiteral("peak_param_memory_bytes")] = double(peakParameterMemory.totalBytes());
    o[QStringLiteral("parameter_memory")] = memoryJson(parameterMemory);
    o[QStringLiteral("peak_activation_bytes")] = double(peakActivationBytes);
    QJsonObject finals;
    for (size_t w = 0; w < weightedLayers.size() && w < finalBits.size(); ++w)
        finals[QString::fromStdString(weightedLayers[w])] = finalBits[w];
    o[QStringLiteral("final_bits")] = finals;
    if (method == TrainMethod::Rct) {
        QJsonObject r;
        r[QStringLiteral("initial_bits")] = rct.initialBits;
        r[QStringLiteral("min_bits")] = rct.minBits;
        r[QStringLiteral("max_bits")] = rct.maxBits;
        r[QStringLiteral("every")] = rct.every;
        r[QStringLiteral("t_min")] = rct.tMin;
        r[QStringLiteral("t_max")] = rct.tMax;
        r[QStringLiteral("activation_bits")] = rct.activationBits;
        r[QStringLiteral("gradient_bits")] = rct.gradientBits;
        r[QStringLiteral("bias_bits")] = rct.biasBits;
        r[QStringLiteral("bias_fraction_bits")] = rct.biasFractionBits;
        o[QStringLiteral("rct")] = r;
    }
    o[QStringLiteral("total")] = accountJson(total);
    QJsonArray epochList;
    for (const EpochAccount &e : epochs)
        epochList.append(accountJson(e));
    o[QStringLiteral("epochs")] = epochList;
    QJsonArray history;
    for (const BitwidthSample &b : bitHistory) {
        QJsonObject h;
        h[QStringLiteral("step")] = double(b.step);
        QJsonArray bitsArray;
        for (int v : b.bits)
            bitsArray.append(v);
        h[QStringLiteral("bits")] = bitsArray;
        history.append(h);
    }
    o[QStringLiteral("bit_history")] = history;
    QJsonArray losses;
    for (double l : stepLoss)
        losses.append(l);
    o[QStringLiteral("loss_curve")] = losses;
    o[QStringLiteral("loss_every")] = lossEvery;
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace frontier::train
