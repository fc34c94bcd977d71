#include "wdrbe/api/sse_events.hpp"

#include "wdrbe/api/item_json.hpp"

namespace wdrbe::api {

std::string SseEvents(const std::vector<Activity>& activities) {
  std::string text;
  for (const Activity& activity : activities) {
    text += "id: ";
    text += activity.activity_id;
    text += "\nevent: ";
    text += activity.activity_type;
    text += "\ndata: ";
    JsonWriter json(text);
    WriteActivity(json, activity);
    text += "\n\n";
  }
  return text;
}

}  // namespace wdrbe::api
