# Writes a C++ file defining `extern const char* const ${SYMBOL}` as the text
# of ${IN} (a raw string literal), for files the binary carries with it.
file(READ ${IN} text)
string(FIND "${text}" ")lsmd_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter")
endif()
get_filename_component(name ${IN} NAME)
file(WRITE ${OUT}.tmp "// Generated from ${name}; do not edit.\nnamespace lsmdoctor {\nextern const char* const ${SYMBOL} = R\"lsmd_text(${text})lsmd_text\";\n}\n")
file(RENAME ${OUT}.tmp ${OUT})
