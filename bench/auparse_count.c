/* The libauparse way to summarise an audit.log, for bench/audit_log.sh:
 * records per type and records whose subj= is "?". Usage: auparse_count FILE */
#include <auparse.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: auparse_count FILE\n");
    return 2;
  }
  auparse_state_t* au = auparse_init(AUSOURCE_FILE, argv[1]);
  if (!au) {
    perror(argv[1]);
    return 1;
  }
  unsigned long records = 0, unset = 0, avc = 0;
  while (auparse_next_event(au) > 0) {
    do {
      ++records;
      const char* type = auparse_get_type_name(au);
      if (type && strcmp(type, "AVC") == 0)
        ++avc;
      if (auparse_find_field(au, "subj")) {
        const char* v = auparse_get_field_str(au);
        if (v && strcmp(v, "?") == 0)
          ++unset;
      }
    } while (auparse_next_record(au) > 0);
  }
  auparse_destroy(au);
  printf("records=%lu avc=%lu subj_unset=%lu\n", records, avc, unset);
  return 0;
}
