#include "testutil.h"

#include "model/engine.h"
#include "model/recipes.h"
#include "model/stats.h"

#include "common/error.h"
#include "common/random.h"

#include <QtTest>

using namespace frontier;
using namespace frontier::model;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

Shape toShape(const QList<int> &dims)
{
    return Shape(dims.begin(), dims.end());
}

} // namespace

class TestRecipes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names();
    void builds_data();
    void builds();
    void mlpLayerTable();
    void lenetLayerTable();
    void customWidths();
    void seeded();
    void errors_data();
    void errors();
};

void TestRecipes::names()
{
    QCOMPARE(recipeNames(),
             (std::vector<std::string>{"ee-cnn", "large", "lenet", "mlp", "resnet8", "tiny"}));
    for (const std::string &name : recipeNames())
        QVERIFY(!recipeDescription(name).empty());
    QVERIFY_THROWS_EXCEPTION(Error, recipeDescription("nope"));
}

void TestRecipes::builds_data()
{
    QTest::addColumn<QString>("recipe");
    QTest::addColumn<QList<int>>("shape");
    QTest::addColumn<int>("classes");
    QTest::addColumn<QStringList>("heads");
    QTest::newRow("mlp, mnist") << "mlp" << QList<int>{1, 28, 28} << 10 << QStringList{"final"};
    QTest::newRow("mlp, tabular") << "mlp" << QList<int>{13} << 3 << QStringList{"final"};
    QTest::newRow("lenet, mnist") << "lenet" << QList<int>{1, 28, 28} << 10 << QStringList{"final"};
    QTest::newRow("lenet, cifar") << "lenet" << QList<int>{3, 32, 32} << 10 << QStringList{"final"};
    QTest::newRow("resnet8, cifar")
        << "resnet8" << QList<int>{3, 32, 32} << 10 << QStringList{"final"};
    QTest::newRow("tiny, mnist") << "tiny" << QList<int>{1, 28, 28} << 10 << QStringList{"final"};
    QTest::newRow("tiny, tabular") << "tiny" << QList<int>{64} << 10 << QStringList{"final"};
    QTest::newRow("large, mnist") << "large" << QList<int>{1, 28, 28} << 10 << QStringList{"final"};
    QTest::newRow("large, tabular") << "large" << QList<int>{30} << 2 << QStringList{"final"};
    QTest::newRow("ee-cnn, mnist")
        << "ee-cnn" << QList<int>{1, 28, 28} << 10 << QStringList{"exit1", "exit2", "final"};
    QTest::newRow("ee-cnn, cifar")
        << "ee-cnn" << QList<int>{3, 32, 32} << 10 << QStringList{"exit1", "exit2", "final"};
}

void TestRecipes::builds()
{
    QFETCH(QString, recipe);
    QFETCH(QList<int>, shape);
    QFETCH(int, classes);
    QFETCH(QStringList, heads);
    const Model m = makeRecipe(recipe.toStdString(), toShape(shape), classes);
    QCOMPARE(m.inputShape, toShape(shape));
    QCOMPARE(m.metadata.at("recipe"), recipe.toStdString());
    QCOMPARE(int(m.classNames.size()), classes);
    QCOMPARE(m.numClasses(), classes);
    QCOMPARE(int(m.heads.size()), int(heads.size()));
    const std::vector<Shape> shapes = m.layerShapes();
    for (int h = 0; h < heads.size(); ++h) {
        QCOMPARE(QString::fromStdString(m.heads[size_t(h)].name), heads[h]);
        QCOMPARE(m.layers[size_t(m.heads[size_t(h)].layer)]->type(), std::string("softmax"));
        QCOMPARE(numel(shapes[size_t(m.heads[size_t(h)].layer)]), int64_t(classes));
    }
    // The final head sits on the last layer, a softmax named "softmax".
    QCOMPARE(m.finalHead().layer, int(m.layers.size()) - 1);
    QCOMPARE(m.layers.back()->name, std::string("softmax"));
    QVERIFY(m.parameterCount() > 0);

    // Runs, and every head gives probabilities.
    Random rng(3);
    std::vector<float> x(size_t(2 * numel(m.inputShape)));
    for (float &v : x)
        v = rng.uniformF();
    const Outputs out = Engine(m).run(x.data(), 2);
    for (size_t h = 0; h < out.heads.size(); ++h) {
        for (int i = 0; i < 2; ++i) {
            double sum = 0;
            for (int c = 0; c < classes; ++c)
                sum += out.scores(int(h), i)[c];
            FRONTIER_COMPARE_REL(sum, 1.0, 1e-5);
        }
    }
    const std::vector<LayerRow> table = layerTable(m);
    QCOMPARE(table.size(), m.layers.size());
    QCOMPARE(layerTotals(table).params, m.parameterCount());
}

void TestRecipes::mlpLayerTable()
{
    const Model m = makeRecipe("mlp", {1, 28, 28}, 10);
    const std::vector<LayerRow> rows = layerTable(m);
    const LayerRow total = layerTotals(rows);
    QCOMPARE(total.name, std::string("total"));
    QCOMPARE(total.macs, int64_t(784 * 256 + 256 * 128 + 128 * 10));
    QCOMPARE(total.params, int64_t(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10));
    QCOMPARE(total.paramBytes, 4 * total.params);
    QCOMPARE(rows.front().type, std::string("flatten"));
    QCOMPARE(rows.front().inputs, std::vector<std::string>{"input"});
    QCOMPARE(rows.front().outputShape, (Shape{784}));
    QCOMPARE(rows[1].name, std::string("fc1"));
    QCOMPARE(rows[1].macs, int64_t(784 * 256));
    QCOMPARE(rows[1].activations, int64_t(256));
    QCOMPARE(rows.back().heads, std::vector<std::string>{"final"});
    QCOMPARE(rows.back().outputShape, (Shape{10}));
}

void TestRecipes::lenetLayerTable()
{
    const Model m = makeRecipe("lenet", {1, 28, 28}, 10, {{6, 16, 120}, 1});
    const std::vector<LayerRow> rows = layerTable(m);
    // conv1: 6 filters 5x5 "same" on 28x28; conv2: 16 filters 5x5x6 "valid" on 14x14.
    QCOMPARE(rows[0].outputShape, (Shape{6, 28, 28}));
    QCOMPARE(rows[0].macs, int64_t(6 * 25 * 28 * 28));
    QCOMPARE(rows[3].outputShape, (Shape{16, 10, 10}));
    QCOMPARE(rows[3].macs, int64_t(16 * 6 * 25 * 10 * 10));
    QCOMPARE(rows[7].macs, int64_t(16 * 5 * 5 * 120));
}

void TestRecipes::customWidths()
{
    const Model m = makeRecipe("mlp", {20}, 4, {{7, 6, 5}, 2});
    QCOMPARE(m.layers.size(), size_t(2 * 3 + 2));
    const std::vector<LayerRow> rows = layerTable(m);
    QCOMPARE(layerTotals(rows).macs, int64_t(20 * 7 + 7 * 6 + 6 * 5 + 5 * 4));
    QCOMPARE(m.metadata.at("widths"), std::string("7,6,5"));
}

void TestRecipes::seeded()
{
    const Model a = makeRecipe("lenet", {1, 28, 28}, 10, {{}, 5});
    const Model b = makeRecipe("lenet", {1, 28, 28}, 10, {{}, 5});
    const Model c = makeRecipe("lenet", {1, 28, 28}, 10, {{}, 6});
    QVERIFY(a.layers[0]->params()[0].value == b.layers[0]->params()[0].value);
    QVERIFY(a.layers[0]->params()[0].value != c.layers[0]->params()[0].value);
}

void TestRecipes::errors_data()
{
    QTest::addColumn<QString>("recipe");
    QTest::addColumn<QList<int>>("shape");
    QTest::addColumn<int>("classes");
    QTest::addColumn<std::vector<int>>("widths");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown") << "vgg" << QList<int>{1, 28, 28} << 10 << std::vector<int>{}
                             << "unknown recipe";
    QTest::newRow("cnn on vectors")
        << "lenet" << QList<int>{64} << 10 << std::vector<int>{} << "needs image input";
    QTest::newRow("resnet8 on vectors")
        << "resnet8" << QList<int>{64} << 10 << std::vector<int>{} << "needs image input";
    QTest::newRow("ee-cnn on vectors")
        << "ee-cnn" << QList<int>{64} << 10 << std::vector<int>{} << "needs image input";
    QTest::newRow("image too small") << "lenet" << QList<int>{1, 4, 4} << 10 << std::vector<int>{}
                                     << "cannot build for input 1x4x4";
    QTest::newRow("wrong width count")
        << "lenet" << QList<int>{1, 28, 28} << 10 << std::vector<int>{8, 16} << "takes 3 widths";
    QTest::newRow("zero width") << "mlp" << QList<int>{10} << 3 << std::vector<int>{0}
                                << "widths must be >= 1";
    QTest::newRow("one class") << "mlp" << QList<int>{10} << 1 << std::vector<int>{}
                               << "at least 2 classes";
    QTest::newRow("rank 2 input") << "mlp" << QList<int>{4, 4} << 3 << std::vector<int>{}
                                  << "is not {F}";
}

void TestRecipes::errors()
{
    QFETCH(QString, recipe);
    QFETCH(QList<int>, shape);
    QFETCH(int, classes);
    QFETCH(std::vector<int>, widths);
    QFETCH(QString, message);
    try {
        makeRecipe(recipe.toStdString(), toShape(shape), classes, {widths, 1});
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), e.what());
        QVERIFY2(what.startsWith("recipe " + recipe), e.what());
    }
}

QTEST_GUILESS_MAIN(TestRecipes)
#include "tst_recipes.moc"
