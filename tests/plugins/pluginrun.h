#pragma once

// Runs the real `frontier` of the build with a plugin path (the plugin tests' one way to
// start it).

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace frontier::test {

struct Run
{
    int exitCode = -1; // -1 timed out, -2 crashed
    QByteArray out;
    QByteArray err;
};

// FRONTIER_PLUGIN_PATH is `pluginPath` (empty: no folder of its own); `isa`, when set,
// forces FRONTIER_ISA.
inline Run frontierRun(const QStringList &args, const QString &pluginPath, const QString &isa = {},
                       int timeoutMs = 600000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FRONTIER_PLUGIN_PATH"), pluginPath);
    if (!isa.isEmpty())
        env.insert(QStringLiteral("FRONTIER_ISA"), isa);
    p.setProcessEnvironment(env);
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    p.start();
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace frontier::test
