#pragma once

#include <QString>
#include <QStringList>

#include <string>

namespace frontier::cli {

// `frontier study merge|slurm` and `study status` over the shard files of a glob
// (docs/scale-out.md); cmd_shards.cpp.
int mergeStudyShards(const QStringList &args);
int writeSlurmJob(const QStringList &args);

// True when `path` holds a glob character (*, ? or [).
bool isPattern(const QString &path);
// Per-shard progress of the project files matching `pattern` (only study `study` when not
// empty), as a table or JSON on stdout. Error when no file matches.
int shardStatus(const std::string &pattern, const std::string &study, bool json);

} // namespace frontier::cli
