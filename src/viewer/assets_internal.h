// The viewer's page parts, embedded into the library at build time (cmake/embed_assets.cmake).
#pragma once

#include <string_view>

namespace scopeflow::viewer::internal {

/// The bytes of one embedded file: "page.html", "viewer.css", "viewer.js" (viewer/assets/),
/// "dagre.js", "dagre.LICENSE" and "graphlib.LICENSE" (the layout library from
/// viewer/node_modules/). Throws kInternal for any other name.
std::string_view asset(std::string_view name);

}  // namespace scopeflow::viewer::internal
