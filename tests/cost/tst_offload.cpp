// Offloading B bytes over a link and waiting for the answer, recomputed by hand.

#include "costfixtures.h"
#include "testutil.h"

#include "cost/costmodel.h"
#include "cost/offload.h"
#include "cost/presetlibrary.h"

#include "common/error.h"

#include <QtTest>

using namespace frontier;
using namespace frontier::cost;

namespace {

std::string value(double v)
{
    return "{\"value\": " + std::to_string(v) + ", \"kind\": \"estimate\", \"source\": \"s\"}";
}

std::string linkJson(const std::string &extra)
{
    return "{\"schema\": 1, \"name\": \"test-link\", \"type\": \"link\", \"description\": \"d\","
           " \"sources\": {\"s\": \"Estimate: test\"}, \"link\": {"
           "\"uplink_kbps\": "
           + value(100) + ", \"downlink_kbps\": " + value(50) + ", \"rtt_ms\": " + value(20)
           + ", \"tx_mw\": " + value(30) + ", \"rx_mw\": " + value(10)
           + ", \"listen_mw\": " + value(2) + ", \"overhead_bytes\": " + value(10)
           + ", \"max_payload_bytes\": " + value(100) + extra + "}}";
}

Preset serverPreset()
{
    return parsePreset("{\"schema\": 1, \"name\": \"test-server\", \"type\": \"server\","
                       " \"description\": \"d\", \"sources\": {\"s\": \"Estimate: test\"},"
                       " \"server\": {\"latency_ms\": "
                           + value(5) + ", \"energy_mj\": " + value(2) + "}}",
                       "test-server");
}

} // namespace

class TestOffload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void byHand();
    void dutyCycleAndSetup();
    void shippedLinks();
    void wrongPresetType();
};

void TestOffload::byHand()
{
    const OffloadModel m(parsePreset(linkJson(""), "test-link"), serverPreset());
    // 250 B up in 3 packets of <= 100 B (+10 B each) at 100 kbit/s; 4 B down in one packet.
    const OffloadCost c = m.cost(250, 4, 0.5);
    const double up = (250 + 3 * 10) * 8 / 100.0 * 1000; // µs
    const double down = (4 + 10) * 8 / 50.0 * 1000;
    const double latency = up + 20000 + 5000 + down;
    QCOMPARE(c.uplinkPackets, int64_t(3));
    QCOMPARE(c.downlinkPackets, int64_t(1));
    FRONTIER_COMPARE_REL(c.uplink_us, up, 1e-12);
    FRONTIER_COMPARE_REL(c.downlink_us, down, 1e-12);
    FRONTIER_COMPARE_REL(c.latency_us, latency, 1e-12);
    const double energy
        = 30 * up * 1000 + 10 * down * 1000 + 2 * (20000 + 5000) * 1000 + 0.5 * latency * 1000;
    FRONTIER_COMPARE_REL(c.deviceEnergy_pj, energy, 1e-12);
    FRONTIER_COMPARE_REL(c.serverEnergy_pj, 2e9, 1e-12);
}

void TestOffload::dutyCycleAndSetup()
{
    const std::string extra = ", \"duty_cycle\": " + value(0.1) + ", \"setup_ms\": " + value(3)
                              + ", \"setup_uj\": " + value(7);
    const OffloadModel m(parsePreset(linkJson(extra), "test-link"));
    const OffloadCost c = m.cost(250, 4, 0);
    const double up = (250 + 3 * 10) * 8 / 100.0 * 1000;
    const double gap = 2 * (up / 3) * (1 / 0.1 - 1); // two waits of 9 airtimes
    FRONTIER_COMPARE_REL(c.gap_us, gap, 1e-12);
    FRONTIER_COMPARE_REL(c.setupEnergy_pj, 7e6, 1e-12);
    const double down = (4 + 10) * 8 / 50.0 * 1000;
    FRONTIER_COMPARE_REL(c.latency_us, 3000 + up + gap + 20000 + down, 1e-12);
    FRONTIER_COMPARE_REL(c.listenEnergy_pj, 2 * (20000 + gap) * 1000, 1e-12);
}

void TestOffload::shippedLinks()
{
    // Wi-Fi is faster than BLE, BLE than LTE-M, LTE-M than LoRa, for a 784-byte image.
    const CostModel esp(loadPresetFile(test::shippedPreset("esp32")));
    double last = 0;
    for (const char *name : {"wifi", "ble-2m", "lte-m", "lora"}) {
        const OffloadModel m(loadPresetFile(test::shippedPreset(name)),
                             loadPresetFile(test::shippedPreset("server-gpu")));
        const OffloadCost c = m.cost(784, 4, esp.idle_mw());
        QVERIFY2(c.latency_us > last, name);
        QVERIFY(c.deviceEnergy_pj > 0);
        last = c.latency_us;
    }
}

void TestOffload::wrongPresetType()
{
    QVERIFY_THROWS_EXCEPTION(Error, OffloadModel{serverPreset()});
    QVERIFY_THROWS_EXCEPTION(Error, CostModel{serverPreset()});
    // Exactly one of tx_mw and tx_nj_per_byte.
    try {
        parsePreset(linkJson(", \"tx_nj_per_byte\": " + value(1)), "test-link");
        QFAIL("no error");
    } catch (const Error &e) {
        QCOMPARE(std::string(e.what()),
                 std::string("test-link: key 'link.tx_mw': give exactly one of tx_mw and "
                             "tx_nj_per_byte"));
    }
}

QTEST_GUILESS_MAIN(TestOffload)
#include "tst_offload.moc"
