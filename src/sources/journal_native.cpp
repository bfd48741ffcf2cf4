#include "sources/journal_native.h"

#include "parse/journal_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <endian.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lsmdoctor::native_journal {

using journal_file::ChainCursor;
using journal_file::Entry;
using journal_file::File;

// One mapped journal file.
struct Files::Mapped {
  std::string path;
  std::size_t writer = 0;       // files with one seqnum_id (one writer) share it
  std::uint64_t index = 0;      // 1..63 (0: more files than message keys can tell apart)
  std::uint64_t position = 0;   // in the list of files
  std::uint64_t trimmed_to = 0; // pages below were given back (trim_behind)
  const std::uint8_t* base = nullptr;
  std::size_t size = 0;
  std::optional<File> file;
  std::string copy; // the last object read behind the walk
  int fd = -1;

  Mapped() = default;
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
  ~Mapped() {
    if (base != nullptr)
      ::munmap(const_cast<std::uint8_t*>(base), size); // NOLINT: munmap takes void*
    if (fd >= 0)
      ::close(fd);
  }
};

// What walks remember of the DATA objects of all the files, in tables of
// a fixed size however many files there are (direct-mapped, by file and
// offset: the flood's few messages and the fields every entry shares stay).
struct Files::Memory {
  // Which DATA objects are MESSAGE= ones.
  struct Kind {
    const Mapped* file = nullptr;
    std::uint64_t offset = 0;
    bool message = false;
  };
  std::vector<Kind> kinds = std::vector<Kind>(std::size_t{1} << 14);
  // Short texts of DATA objects read behind the walk (read_data).
  struct Text {
    const Mapped* file = nullptr;
    std::uint64_t offset = 0;
    std::string text;
  };
  std::vector<Text> texts = std::vector<Text>(1024);

  template <class Table> static auto& slot(Table& table, const Mapped& m, std::uint64_t offset) {
    return table[((offset >> 3) ^ (m.position * 0x9E3779B1ULL)) & (table.size() - 1)];
  }
};

namespace {

// How many entries a walk passes between giving back the mapped pages it
// has read (see trim_behind() and read_data()).
constexpr std::uint64_t kTrimEvery = 8192;

// Drops the pages of `m` between the last trim and `offset`, where a walk
// has passed, from this process: a read-only shared file mapping loses
// nothing (the pages stay in the page cache), and resident memory stays
// bounded however long the journal is.
void trim_behind(Files::Mapped& m, std::uint64_t offset) {
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t end = std::min<std::uint64_t>(offset, m.size) / page * page;
  if (end <= m.trimmed_to)
    return;
  ::madvise(const_cast<std::uint8_t*>(m.base) + m.trimmed_to, end - m.trimmed_to, // NOLINT
            MADV_DONTNEED);
  m.trimmed_to = end;
}

std::string hex(const journal_file::Id128& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (std::size_t i = 0; i < id.size(); ++i) {
    out[2 * i] = kDigits[id[i] >> 4];
    out[2 * i + 1] = kDigits[id[i] & 15];
  }
  return out;
}

void warn_once(std::vector<std::string>& warnings, std::string text) {
  if (std::find(warnings.begin(), warnings.end(), text) == warnings.end())
    warnings.push_back(std::move(text));
}

std::string damaged(const std::string& path, const Error& error) {
  return fmt::format("{}: damaged at {}; read up to the damage (journalctl --verify --file={} "
                     "says more)",
                     path, error.message, path);
}

bool same_id(const journal_file::Id128& a, const journal_file::Id128& b) {
  std::uint64_t x[2];
  std::uint64_t y[2];
  std::memcpy(x, a.data(), sizeof x);
  std::memcpy(y, b.data(), sizeof y);
  return x[0] == y[0] && x[1] == y[1];
}

// sd-journal's order of two entries from different files.
bool earlier(const Entry& a, const Files::Mapped& fa, const Entry& b, const Files::Mapped& fb) {
  if (fa.writer == fb.writer && a.seqnum != b.seqnum)
    return a.seqnum < b.seqnum;
  if (same_id(a.boot_id, b.boot_id) && a.monotonic != b.monotonic)
    return a.monotonic < b.monotonic;
  return a.realtime < b.realtime;
}

// A walk's view of one file: the DATA objects each match group accepts
// and the chain of entries it follows.
struct Cursor {
  Files::Mapped* mapped = nullptr;
  std::vector<std::vector<std::uint64_t>> accepted; // per group
  std::size_t driver = SIZE_MAX;                    // the group whose chain is walked
  ChainCursor chain;
  Entry head;
  bool has = false;
};

// The value of a DATA payload "FIELD=value" when FIELD is `field`.
std::optional<std::string_view> value_of(std::string_view payload, std::string_view field) {
  if (payload.size() <= field.size() || payload[field.size()] != '=' || !payload.starts_with(field))
    return std::nullopt;
  return payload.substr(field.size() + 1);
}

// The DATA objects of `field` whose value is one of `values`.
Result<std::vector<std::uint64_t>> accepted_data(const File& file, const std::string& field,
                                                 const std::vector<std::string>& values) {
  std::vector<std::uint64_t> offsets;
  std::string scratch;
  TRY(visited, file.for_each_data_of_field(
                   field, scratch, [&](std::uint64_t offset, std::string_view payload) {
                     auto value = value_of(payload, field);
                     if (value && std::find(values.begin(), values.end(), *value) != values.end())
                       offsets.push_back(offset);
                     return true;
                   }));
  (void)visited;
  return offsets;
}

bool carries(const File& file, const Entry& e, const std::vector<std::uint64_t>& accepted) {
  for (std::uint64_t i = 0; i < e.n_items; ++i)
    if (std::find(accepted.begin(), accepted.end(), file.item(e, i)) != accepted.end())
      return true;
  return false;
}

// The payload of the first item of `e` that is a FIELD= object.
std::string_view field_of(const File& file, const Entry& e, std::string_view field,
                          std::string& scratch) {
  for (std::uint64_t i = 0; i < e.n_items; ++i) {
    auto payload = file.data(file.item(e, i), scratch);
    if (!payload)
      continue;
    if (auto value = value_of(*payload, field))
      return *value;
  }
  return {};
}

struct FieldContext {
  const File* file = nullptr;
  const Entry* entry = nullptr;
  std::string* scratch = nullptr;
};

std::string_view native_field(const void* context, const char* name) {
  const auto* c = static_cast<const FieldContext*>(context);
  return field_of(*c->file, *c->entry, name, *c->scratch);
}

// The payload of the DATA object at `offset`. Pages the walk has given back
// are not mapped again: a repeated message is stored once, where it first
// occurred, so a flood keeps pointing far behind the walk, and each fault
// there would map a whole folio. Those reads go through pread, and short
// texts are kept by offset.
Result<std::string_view> read_data(Files::Memory& memory, Files::Mapped& m, std::uint64_t offset,
                                   std::string& scratch) {
  if (offset >= m.trimmed_to)
    return m.file->data(offset, scratch);
  Files::Memory::Text& slot = Files::Memory::slot(memory.texts, m, offset);
  if (slot.file == &m && slot.offset == offset)
    return std::string_view(slot.text);
  std::array<std::uint8_t, 16> head{};
  if (::pread(m.fd, head.data(), head.size(), static_cast<off_t>(offset)) !=
      static_cast<ssize_t>(head.size()))
    return make_error(fmt::format("offset {}: cannot read: {}", offset, std::strerror(errno)));
  std::uint64_t size = 0;
  std::memcpy(&size, head.data() + 8, sizeof size);
  size = le64toh(size);
  if (size < head.size() || size > m.file->end() - std::min(offset, m.file->end()) ||
      size > journal_file::kMaxPayloadBytes)
    return make_error(fmt::format("offset {}: object size {} out of range", offset, size));
  m.copy.resize(size);
  if (::pread(m.fd, m.copy.data(), size, static_cast<off_t>(offset)) != static_cast<ssize_t>(size))
    return make_error(fmt::format("offset {}: cannot read: {}", offset, std::strerror(errno)));
  TRY(payload,
      m.file->data_copy(
          offset, {reinterpret_cast<const std::uint8_t*>(m.copy.data()), m.copy.size()}, scratch));
  if (payload.size() > 4096)
    return payload;
  slot.file = &m;
  slot.offset = offset;
  slot.text.assign(payload);
  return std::string_view(slot.text);
}

// The offset of the MESSAGE= DATA object of `e` (0 when it has none),
// known without reading the object when it was classified before.
std::uint64_t message_data_of(Files::Memory& memory, Files::Mapped& m, const Entry& e,
                              std::string& scratch) {
  const File& file = *m.file;
  for (std::uint64_t i = 0; i < e.n_items; ++i) {
    std::uint64_t offset = file.item(e, i);
    Files::Memory::Kind& slot = Files::Memory::slot(memory.kinds, m, offset);
    if (slot.file != &m || slot.offset != offset) {
      auto payload = read_data(memory, m, offset, scratch);
      if (!payload)
        continue;
      slot = {&m, offset, payload->starts_with("MESSAGE=")};
    }
    if (slot.message)
      return offset;
  }
  return 0;
}

// Whether no process has the file of `fd` (opened read-only) open for
// writing: only then does the kernel grant a read lease (fcntl(2),
// F_SETLEASE; it needs the file's owner or CAP_LEASE, and without them the
// answer is no).
bool without_writers(int fd) {
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) != 0)
    return false;
  ::fcntl(fd, F_SETLEASE, F_UNLCK);
  return true;
}

} // namespace

bool enabled() {
  const char* reader = std::getenv("LSMD_JOURNAL_READER");
  return reader == nullptr || std::string_view(reader) != "sd-journal";
}

Result<std::unique_ptr<Files>> Files::open(const std::vector<std::string>& paths,
                                           const std::string& description,
                                           std::vector<std::string>& warnings,
                                           std::string& unsupported) {
  std::unique_ptr<Files> files(new Files());
  for (const auto& path : paths) {
    auto fail = [&](std::string why) -> std::optional<Error> {
      if (paths.size() == 1)
        return make_error(fmt::format("{}: {}", path, why));
      warnings.push_back(fmt::format("{}: {}; skipped", path, why));
      return std::nullopt;
    };
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      if (auto e = fail(std::strerror(errno)))
        return *e;
      continue;
    }
    struct stat st {};
    bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    void* base = regular && st.st_size > 0 ? ::mmap(nullptr, static_cast<std::size_t>(st.st_size),
                                                    PROT_READ, MAP_SHARED, fd, 0)
                                           : MAP_FAILED;
    int map_errno = errno;
    if (!regular || base == MAP_FAILED)
      ::close(fd);
    if (!regular) {
      if (auto e = fail("not a regular file"))
        return *e;
      continue;
    }
    if (base == MAP_FAILED) {
      if (auto e = fail(st.st_size == 0 ? "not a journal file (empty)"
                                        : std::string(std::strerror(map_errno))))
        return *e;
      continue;
    }
    auto mapped = std::make_unique<Mapped>();
    mapped->path = path;
    mapped->fd = fd;
    mapped->base = static_cast<const std::uint8_t*>(base);
    mapped->size = static_cast<std::size_t>(st.st_size);
    auto file = File::open({mapped->base, mapped->size});
    if (!file) {
      if (file.error().message.find("incompatible") != std::string::npos) {
        unsupported = fmt::format("{}: {}", path, file.error().message);
        return std::unique_ptr<Files>(); // sd-journal may know the feature
      }
      if (auto e = fail(file.error().message))
        return *e;
      continue;
    }
    const auto& h = file->header();
    // A file still marked online may be being written: journald links new
    // objects in beyond what was mapped, which sd-journal follows and this
    // reader does not. One no process has open for writing (a copy, or the
    // file of a writer that died) is as still as an archived one.
    if (h.state == 1 && !without_writers(mapped->fd))
      return std::unique_ptr<Files>();
    if (h.header_size + h.arena_size > mapped->size)
      warnings.push_back(fmt::format("{}: truncated ({} of {} bytes); read up to the cut", path,
                                     mapped->size, h.header_size + h.arena_size));
    mapped->file = *file;
    std::size_t writer = files->files_.size();
    for (const auto& other : files->files_)
      if (other->file->header().seqnum_id == mapped->file->header().seqnum_id)
        writer = other->writer;
    mapped->writer = writer;
    mapped->index = files->files_.size() < 63 ? files->files_.size() + 1 : 0;
    mapped->position = files->files_.size();
    files->files_.push_back(std::move(mapped));
  }
  if (files->files_.empty())
    return make_error(description + ": no readable journal file");
  return files;
}

Files::~Files() = default;

std::vector<std::string> Files::paths() const {
  std::vector<std::string> out;
  for (const auto& m : files_)
    out.push_back(m->path);
  return out;
}

Result<std::uint64_t>
Files::for_each_entry(const std::vector<std::string>& matches,
                      const std::function<bool(const JournalEntry&)>& on_entry,
                      const JournalWindow& window, std::vector<std::string>& warnings) {
  if (!memory_)
    memory_ = std::make_unique<Memory>();
  JournalMatchGroups groups = group_journal_matches(matches);
  for (auto& m : files_)
    m->trimmed_to = 0; // each walk gives back what it reads
  std::vector<Cursor> cursors;
  for (auto& m : files_) {
    const File& file = *m->file;
    Cursor c;
    c.mapped = m.get();
    bool possible = true;
    std::uint64_t shortest = UINT64_MAX;
    for (std::size_t g = 0; g < groups.size() && possible; ++g) {
      auto accepted = accepted_data(file, groups[g].first, groups[g].second);
      if (!accepted) {
        warn_once(warnings, damaged(m->path, accepted.error()));
        possible = false;
        break;
      }
      possible = !accepted->empty();
      if (accepted->size() == 1) {
        auto links = file.data_links(accepted->front());
        if (links && links->n_entries < shortest) {
          shortest = links->n_entries;
          c.driver = g;
          c.chain = ChainCursor::entries_of(file, *links);
        }
      }
      c.accepted.push_back(std::move(*accepted));
    }
    if (!possible)
      continue;
    if (c.driver == SIZE_MAX)
      c.chain = ChainCursor::all_entries(file);
    cursors.push_back(std::move(c));
  }

  std::uint64_t passed = 0;
  // Moves `c` to its next entry in the window that carries every group.
  auto advance = [&](Cursor& c) {
    const File& file = *c.mapped->file;
    c.has = false;
    for (;;) {
      auto offset = c.chain.next();
      if (++passed % kTrimEvery == 0 && offset) {
        trim_behind(*c.mapped, *offset);
        // The entry arrays a walk follows lie behind the entries they list:
        // now and then every mapped page goes back.
        if (passed % (kTrimEvery * 32) == 0)
          for (auto& m : files_)
            ::madvise(const_cast<std::uint8_t*>(m->base), m->size, MADV_DONTNEED); // NOLINT
      }
      if (!offset) {
        warn_once(warnings, damaged(c.mapped->path, offset.error()));
        return;
      }
      if (*offset == 0)
        return;
      auto e = file.entry(*offset);
      if (!e) {
        warn_once(warnings, damaged(c.mapped->path, e.error()));
        return;
      }
      if (e->realtime < window.since_usec)
        continue;
      bool all = true;
      for (std::size_t g = 0; g < c.accepted.size() && all; ++g)
        all = g == c.driver || carries(file, *e, c.accepted[g]);
      if (!all)
        continue;
      c.head = *e;
      c.has = true;
      return;
    }
  };
  for (auto& c : cursors)
    advance(c);

  std::string message_scratch;
  std::string field_scratch;
  journal_file::Id128 boot_bytes{};
  std::string boot_text;
  const Cursor* previous = nullptr;
  Entry previous_entry;
  std::uint64_t visited = 0;
  for (;;) {
    Cursor* next = nullptr;
    for (auto& c : cursors)
      if (c.has && (next == nullptr || earlier(c.head, *c.mapped, next->head, *next->mapped)))
        next = &c;
    if (next == nullptr)
      break;
    const File& file = *next->mapped->file;
    const Entry& e = next->head;
    if (window.until_usec > 0 && e.realtime > window.until_usec)
      break;
    // The same entry in two files (a copy beside its original) is one entry.
    bool duplicate = previous != nullptr && previous != next &&
                     previous->mapped->writer == next->mapped->writer &&
                     previous_entry.seqnum == e.seqnum;
    FieldContext context{&file, &e, &field_scratch};
    if (!duplicate && (window.require.empty() || [&] {
          std::size_t eq = window.require.find('=');
          return eq != std::string::npos &&
                 field_of(file, e, std::string_view(window.require).substr(0, eq), field_scratch) ==
                     std::string_view(window.require).substr(eq + 1);
        }())) {
      JournalEntry entry;
      entry.lookup_ = native_field;
      entry.context_ = &context;
      entry.realtime_usec = e.realtime;
      entry.monotonic_usec = e.monotonic;
      if (boot_text.empty() || !same_id(e.boot_id, boot_bytes)) {
        boot_bytes = e.boot_id;
        boot_text = hex(boot_bytes);
      }
      entry.boot_id = boot_text;
      if (window.with_message) {
        if (std::uint64_t data = message_data_of(*memory_, *next->mapped, e, message_scratch);
            data != 0) {
          // Offsets are 8-aligned: the low bits say which file.
          if (data < (std::uint64_t{1} << 56) && next->mapped->index != 0)
            entry.message_key = (data << 6) | next->mapped->index;
          // A repeated message the caller needs no text of is not read
          // again: its page may lie far behind the walk.
          if (entry.message_key == 0 || !window.read_message ||
              window.read_message(entry.message_key))
            if (auto payload = read_data(*memory_, *next->mapped, data, message_scratch))
              entry.message = payload->substr(8);
        }
      }
      ++visited;
      if (!on_entry(entry))
        break;
    }
    previous = next;
    previous_entry = e;
    advance(*next);
  }
  return visited;
}

Result<std::uint64_t>
Files::for_each_unique(const std::string& field,
                       const std::function<bool(std::string_view)>& on_value) {
  std::set<std::string, std::less<>> seen;
  std::string scratch;
  bool stopped = false;
  for (const auto& m : files_) {
    TRY(visited, m->file->for_each_data_of_field(field, scratch,
                                                 [&](std::uint64_t, std::string_view payload) {
                                                   auto value = value_of(payload, field);
                                                   if (!value || seen.contains(*value))
                                                     return true;
                                                   seen.emplace(*value);
                                                   stopped = !on_value(*value);
                                                   return !stopped;
                                                 }));
    (void)visited;
    if (stopped)
      break;
  }
  return static_cast<std::uint64_t>(seen.size());
}

Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>>
Files::time_range(const std::vector<std::string>& matches, std::vector<std::string>& warnings) {
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  auto widen = [&](std::uint64_t first, std::uint64_t last) {
    if (!range)
      range = std::make_pair(first, last);
    range->first = std::min(range->first, first);
    range->second = std::max(range->second, std::max(first, last));
  };
  JournalMatchGroups groups = group_journal_matches(matches);
  if (groups.size() == 1 && groups.front().second.size() == 1) {
    // One value: the ends of its DATA object's chain of entries.
    for (const auto& m : files_) {
      const File& file = *m->file;
      TRY(accepted, accepted_data(file, groups.front().first, groups.front().second));
      for (std::uint64_t data : accepted) {
        TRY(links, file.data_links(data));
        if (links.n_entries == 0)
          continue;
        TRY(first, file.entry(links.entry_offset));
        TRY(last_offset, file.last_entry_of(links));
        TRY(last, file.entry(last_offset));
        widen(first.realtime, last.realtime);
      }
    }
    return range;
  }
  JournalWindow window;
  window.with_message = false;
  TRY(visited, for_each_entry(
                   matches,
                   [&](const JournalEntry& e) {
                     widen(e.realtime_usec, e.realtime_usec);
                     return true;
                   },
                   window, warnings));
  (void)visited;
  return range;
}

} // namespace lsmdoctor::native_journal
