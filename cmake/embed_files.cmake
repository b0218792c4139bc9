# Compiles files into the binary: writes a .cc that defines
#   const tdcs::EmbeddedFile VAR[]; const size_t VAR_count;
# with each file's base name and bytes. Run at build time:
#   cmake -DVAR=name -DOUT=file.cc -DFILES="a;b" -P embed_files.cmake
string(REPLACE "|" ";" FILES "${FILES}")
set(body "// Generated at build time from the files it names. Do not edit.\n")
string(APPEND body "#include \"base/embedded.h\"\nnamespace tdcs {\nextern const EmbeddedFile ${VAR}[] = {\n")
set(count 0)
foreach(f ${FILES})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" content)
  string(LENGTH "${content}" size)
  # Split into chunks: compilers limit the length of one string literal.
  string(APPEND body "  {\"${name}\", ${size}, ")
  set(pos 0)
  while(pos LESS size)
    string(SUBSTRING "${content}" ${pos} 30000 chunk)
    string(APPEND body "R\"tdcs_embed(${chunk})tdcs_embed\"\n")
    math(EXPR pos "${pos} + 30000")
  endwhile()
  if(size EQUAL 0)
    string(APPEND body "\"\"")
  endif()
  string(APPEND body "},\n")
  math(EXPR count "${count} + 1")
endforeach()
string(APPEND body "};\nextern const size_t ${VAR}_count = ${count};\n}  // namespace tdcs\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
