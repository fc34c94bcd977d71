// The item store's contract suites, compiled once; each adapter's
// instantiation file runs them on its backends (contract_suites.hpp). The
// suites are spread over three files so that they compile in parallel.
#include "contract/item_store_create_suite.hpp"
#include "contract/item_store_edit_suite.hpp"
#include "contract/item_store_list_suite.hpp"
#include "contract/item_store_search_suite.hpp"
#include "contract/item_store_share_suite.hpp"
