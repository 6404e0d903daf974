#pragma once

// What the libFuzzer targets share: the loaders read files, so each input is written to one
// scratch file per process (in the temporary folder, removed at exit) and loaded from there.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace frontier::fuzz {

// The scratch file's path; its name ends in `suffix` (which the first call fixes).
inline const std::string &writeScratch(const uint8_t *data, size_t size, const char *suffix)
{
    struct Scratch
    {
        std::string path;
        ~Scratch() { std::remove(path.c_str()); }
    };
    static const Scratch scratch{(std::filesystem::temp_directory_path()
                                  / ("frontier-fuzz-" + std::to_string(::getpid()) + suffix))
                                     .string()};
    std::ofstream out(scratch.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
    return scratch.path;
}

} // namespace frontier::fuzz
