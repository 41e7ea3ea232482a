// Checks on a snapshot of a lake (key → bytes), the same for a folder and an S3 bucket: what a
// fault may not do to it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cryptopipe::testing {

using LakeObjects = std::map<std::string, std::string>;

// The lake's own objects: without the folder store's bookkeeping (.meta/, .tmp/).
LakeObjects objects_of(const LakeObjects& files);

// The keys under bronze/ that are raw responses (not extraction manifests).
std::vector<std::string> bronze_pages(const LakeObjects& lake);

// "manifest → key" for every key that an extraction or silver manifest names and the lake does
// not hold: a manifest is a commit point, so none may name a missing object.
std::vector<std::string> dangling_references(const LakeObjects& lake);

// The keys of `before` that `after` lost or holds with other bytes: objects are immutable.
std::vector<std::string> changed_objects(const LakeObjects& before, const LakeObjects& after);

}  // namespace cryptopipe::testing
