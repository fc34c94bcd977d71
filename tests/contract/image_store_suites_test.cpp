// The image store's contract suite, compiled once; each adapter's
// instantiation file runs it on its stores (image_store_fixture.hpp).
#include "contract/image_store_suite.hpp"
