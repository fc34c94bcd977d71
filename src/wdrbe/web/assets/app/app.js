// The web wardrobe page: sign in with a pasted token, list, filter, add,
// edit, delete and share items, give them photos, and follow the live
// activity feed.
//
// Plain DOM code, no framework and no build step. Every text that comes
// from the API goes into the page through textContent, never as HTML, so
// an item named "<img onerror=...>" stays text. Every URL is relative to
// the page, so the page works under a path prefix (an API Gateway stage).
"use strict";

const TOKEN_KEY = "wdrbe.token";
const PAGE_SIZE = 20;
const FEED_MAX = 100; // activities kept on the page; older ones drop off
const STREAM_RETRY_MS = 5000; // the server's Retry-After for a full stream cap
const FIELDS = ["name", "category", "season", "color", "brand", "purchaseDate", "imageUrl"];
const REQUIRED = new Set(["name", "category"]);
const SEASONS = { spring: "Spring", summer: "Summer", autumn: "Autumn", winter: "Winter", "all-season": "All-season" };
const ACTIVITY_LABELS = { ItemCreated: "Added", ItemShared: "Shared" };
// A ULID whose time is 0: as the stream's lastEventId it means "everything
// after the beginning", so an empty first page leaves no gap before the stream.
const ZERO_ULID = "00000000000000000000000000";

const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  userId: null,
  items: new Map(), // itemId -> item, for the items on the page
  cursor: null,
  hasMore: false,
  loading: false,
  // Bumped whenever the list starts again (filters, sign-out), so that a
  // page still on its way for the old list is dropped.
  listGeneration: 0,
  categories: new Set(),
  shared: new Set(), // items shared from this page: their button says "Shared"
  createKey: null, // { key, payload } of a create not yet answered
  stream: null,
  streamRetry: null,
  lastActivityId: null,
  feedIds: new Set(),
  editing: null, // { itemId, trigger }
  deleting: null, // { itemId, trigger }
};

// ---- small DOM helpers ------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

let messageTimer = null;

// One message at a time about the last action, in a polite live region.
// Information fades after a while; an error stays until the next action.
function say(text, kind = "info") {
  clearTimeout(messageTimer);
  const box = $("messages");
  if (!text) return box.replaceChildren();
  box.replaceChildren(el("p", kind, text));
  if (kind === "info") messageTimer = setTimeout(() => box.replaceChildren(), 8000);
}

function busy(button, on) {
  button.disabled = on;
  if (on) button.setAttribute("aria-busy", "true");
  else button.removeAttribute("aria-busy");
}

// Hex of 16 random bytes. crypto.randomUUID would need a secure context,
// and the page may be served over plain http on a LAN.
function randomKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- the token ----------------------------------------------------------

// The claims of a JWT, read but never verified: the server verifies every
// request, the page only needs `sub` to build its paths.
function tokenClaims(token) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const binary = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

// sessionStorage, not localStorage: the token lives as long as the tab.
function storage(action, value) {
  try {
    if (action === "get") return sessionStorage.getItem(TOKEN_KEY);
    if (action === "set") sessionStorage.setItem(TOKEN_KEY, value);
    if (action === "remove") sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (a privacy mode): the token then lasts until a reload.
  }
  return null;
}

// ---- the API ------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || (status ? `The server answered ${status}.` : "The server cannot be reached."));
    this.status = status;
    this.code = body && body.error;
    this.requestId = body && body.requestId;
    this.errors = body && Array.isArray(body.errors) ? body.errors : [];
    this.retryAfter = retryAfter;
  }

  describe() {
    if (this.status === 429) {
      const wait = this.retryAfter ? ` Try again in ${this.retryAfter} s.` : " Try again in a moment.";
      return "Slow down: too many requests." + wait;
    }
    if (this.status === 0) return "The server cannot be reached. Check your connection and try again.";
    return this.requestId ? `${this.message} (request id ${this.requestId})` : this.message;
  }
}

const userPath = (suffix) => "users/" + encodeURIComponent(state.userId) + "/" + suffix;
const itemPath = (itemId, suffix = "") => "items/" + encodeURIComponent(itemId) + suffix;

// Leaves out empty values, and writes a space as %20 (not URLSearchParams'
// "+", which only form-decoding proxies and servers read as a space).
function query(params) {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([name, value]) => encodeURIComponent(name) + "=" + encodeURIComponent(value))
    .join("&");
}

// A Blob body (a chosen file) goes as it is, with its own type; any other
// body as JSON.
async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Authorization: "Bearer " + state.token, ...headers }, cache: "no-store" };
  if (body instanceof Blob) {
    if (body.type) init.headers["Content-Type"] = body.type;
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, null);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null); // a proxy's HTML error page
  if (response.ok) return data;
  const error = new ApiError(response.status, data, response.headers.get("Retry-After"));
  // An expired or refused token: ask for a new one instead of failing on.
  if (response.status === 401 && state.token) signOut("The server refused your token (expired or invalid). Paste a new one.");
  throw error;
}

// For actions without a form of their own. A 401 has already said its piece.
function report(error) {
  if (error.status !== 401) say(error.describe(), "error");
}

// ---- forms ----------------------------------------------------------------

// Copies the item fields' template into a form, with ids of its own, each
// input described by its hint (if any) and its error line. The photo field
// also has a status line and the "Remove photo" button.
function mountFields(containerId, prefix) {
  const container = $(containerId);
  container.append($("item-fields").content.cloneNode(true));
  const fields = {};
  for (const box of container.querySelectorAll(".field")) {
    const name = box.dataset.field;
    const input = box.querySelector("input, select");
    const error = box.querySelector(".field-error");
    const hint = box.querySelector(".hint");
    input.id = `${prefix}-${name}`;
    error.id = `${prefix}-${name}-error`;
    box.querySelector("label").htmlFor = input.id;
    if (hint) hint.id = `${prefix}-${name}-hint`;
    input.setAttribute("aria-describedby", hint ? `${hint.id} ${error.id}` : error.id);
    fields[name] = { input, error, status: box.querySelector(".photo-status"), remove: box.querySelector(".remove-photo") };
  }
  return fields;
}

// The file chosen in a form's photo field, or null.
function chosenPhoto(fields) {
  return fields.photo.input.files[0] || null;
}

// A refused photo (413, 415, 400): the server's message next to the photo
// field. `lead` says what happened to the rest of the form.
function showPhotoError(fields, formError, error, lead) {
  if (error.status === 401) return;
  const { input, error: line } = fields.photo;
  line.textContent = error.describe();
  line.hidden = false;
  input.setAttribute("aria-invalid", "true");
  formError.textContent = lead;
  say("");
  input.focus();
}

function readFields(fields) {
  const values = {};
  for (const name of FIELDS) values[name] = fields[name].input.value.trim();
  return values;
}

function clearErrors(fields, formError) {
  for (const { input, error, status } of Object.values(fields)) {
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    error.hidden = true;
    if (status) status.textContent = "";
  }
  formError.textContent = "";
}

// validation_failed: each message next to its field, focus on the first
// one; anything else in the form's own error line.
function showErrors(fields, formError, error) {
  if (error.status === 401) return;
  let first = null;
  const others = [];
  for (const { field, message } of error.code === "validation_failed" ? error.errors : []) {
    const target = fields[field];
    if (!target) {
      others.push(`${field}: ${message}`);
      continue;
    }
    target.error.textContent = target.error.textContent ? `${target.error.textContent}; ${message}` : message;
    target.error.hidden = false;
    target.input.setAttribute("aria-invalid", "true");
    first = first || target.input;
  }
  formError.textContent = first ? ["Please correct the marked fields.", ...others].join(" ") : error.describe();
  say(""); // an older message about another action would mislead
  if (first) first.focus();
}

// ---- the item list --------------------------------------------------------

function filters() {
  return { season: $("filter-season").value, category: $("filter-category").value.trim() };
}

function matchesFilters(item) {
  const { season, category } = filters();
  return (!season || item.season === season) && (!category || item.category === category);
}

function noteCategory(category) {
  if (state.categories.has(category)) return;
  state.categories.add(category);
  const option = el("option");
  option.value = category;
  $("known-categories").append(option);
}

function fact(list, label, value) {
  if (value === undefined || value === null || value === "") return;
  const group = el("div");
  group.append(el("dt", "", label), el("dd", "", String(value)));
  list.append(group);
}

// A button whose visible text is short ("Edit") and whose accessible name
// also says which item ("Edit Navy Blazer").
function actionButton(label, itemName, className, onClick) {
  const button = el("button", className);
  button.type = "button";
  button.append(el("span", "label", label), el("span", "visually-hidden", " " + itemName));
  button.addEventListener("click", () => onClick(button));
  return button;
}

// ---- photos -----------------------------------------------------------------

// A photo uploaded to this server: imageUrl is its route (absolute when the
// server has a public URL). Any other imageUrl is a picture elsewhere.
function hasOwnPhoto(item) {
  return typeof item.imageUrl === "string" && item.imageUrl.endsWith("/items/" + encodeURIComponent(item.itemId) + "/image");
}

// Thumbnails being fetched or shown, by their card: the fetch's controller
// and the blob: URL. An <img src> cannot send the token, so the page fetches
// the thumbnail itself; the URL is released when its card is replaced or
// removed, and a fetch still under way is cancelled.
const thumbnails = new WeakMap();

function photoAlt(item) {
  return `Photo of ${item.name}`;
}

// The thumbnail in place of the card's placeholder once it has arrived,
// always by the relative route (so also under a path prefix); the absolute
// imageUrl is never fetched. Without it (no photo after all, the server
// busy) the placeholder stays.
async function loadThumbnail(li, placeholder, item) {
  const entry = { controller: new AbortController(), url: null };
  thumbnails.set(li, entry);
  let blob;
  try {
    const response = await fetch(itemPath(item.itemId, "/image/thumbnail"), {
      headers: { Authorization: "Bearer " + state.token },
      signal: entry.controller.signal,
    });
    if (!response.ok) return;
    blob = await response.blob();
  } catch {
    return; // cancelled (the card went), or the server cannot be reached
  }
  if (entry.controller.signal.aborted) return;
  entry.url = URL.createObjectURL(blob);
  const img = el("img", "thumb");
  img.alt = photoAlt(item);
  img.src = entry.url;
  placeholder.replaceWith(img);
}

function releaseCard(li) {
  const entry = thumbnails.get(li);
  if (!entry) return;
  thumbnails.delete(li);
  entry.controller.abort();
  if (entry.url) URL.revokeObjectURL(entry.url);
}

function removeCard(li) {
  releaseCard(li);
  li.remove();
}

function replaceCard(li, item) {
  releaseCard(li);
  li.replaceWith(renderItem(item));
}

function clearCards() {
  for (const li of $("items").children) releaseCard(li);
  $("items").replaceChildren();
}

function renderItem(item) {
  const li = el("li", "item");
  li.dataset.itemId = item.itemId;
  if (hasOwnPhoto(item)) {
    const placeholder = el("div", "thumb empty");
    li.append(placeholder);
    loadThumbnail(li, placeholder, item);
  } else if (item.imageUrl) {
    const img = el("img", "thumb");
    img.alt = photoAlt(item);
    img.loading = "lazy";
    img.decoding = "async";
    img.referrerPolicy = "no-referrer";
    img.src = item.imageUrl;
    li.append(img);
  } else {
    li.append(el("div", "thumb empty"));
  }
  const body = el("div", "item-body");
  body.append(el("h3", "item-name", item.name));
  const facts = el("dl", "facts");
  fact(facts, "Category", item.category);
  fact(facts, "Season", SEASONS[item.season] || item.season);
  fact(facts, "Colour", item.color);
  fact(facts, "Brand", item.brand);
  fact(facts, "Bought", item.purchaseDate);
  if (item.sharedCount > 0) fact(facts, "Shared", `${item.sharedCount}× (public)`);
  body.append(facts);

  const actions = el("div", "item-actions");
  const id = item.itemId;
  actions.append(
    actionButton("Edit", item.name, "secondary edit-button", (button) => openEdit(id, button)),
    actionButton(state.shared.has(id) ? "Shared" : "Share", item.name, "secondary share", (button) => share(id, button)),
    actionButton("Delete", item.name, "danger-outline delete-button", (button) => askDelete(id, button)),
  );
  li.append(body, actions);
  return li;
}

function itemElement(itemId) {
  return Array.from($("items").children).find((li) => li.dataset.itemId === itemId) || null;
}

function updateItemsStatus() {
  const count = state.items.size;
  const { season, category } = filters();
  let text;
  if (state.loading) text = "Loading items…";
  else if (count === 0) text = season || category ? "No items match these filters." : "No items yet: add one with the form.";
  else if (state.hasMore) text = `${count} items shown; more load as you scroll.`;
  else text = count === 1 ? "1 item, all shown." : `${count} items, all shown.`;
  $("items-status").textContent = text;
  $("load-more").hidden = !state.hasMore;
  $("load-more").disabled = state.loading;
}

function restartList() {
  state.listGeneration++;
  state.items.clear();
  state.cursor = null;
  state.hasMore = false;
  state.loading = false;
  clearCards();
  if (state.token) loadPage();
}

async function loadPage() {
  if (state.loading || !state.token) return;
  const generation = state.listGeneration;
  state.loading = true;
  updateItemsStatus();
  let loaded = false;
  try {
    const page = await api("GET", userPath("items?" + query({ limit: PAGE_SIZE, ...filters(), cursor: state.cursor })));
    if (generation !== state.listGeneration) return;
    for (const item of page.items) {
      noteCategory(item.category);
      if (state.items.has(item.itemId)) continue; // added on this page meanwhile
      state.items.set(item.itemId, item);
      $("items").append(renderItem(item));
    }
    state.cursor = page.nextCursor;
    state.hasMore = page.hasMore;
    loaded = true;
  } catch (error) {
    if (generation === state.listGeneration) report(error);
  } finally {
    if (generation === state.listGeneration) {
      state.loading = false;
      updateItemsStatus();
      // Observing again makes the observer report the sentinel's current
      // state: on a tall screen it is still in view, and the next page loads.
      if (loaded && state.hasMore) {
        sentinelObserver.unobserve($("sentinel"));
        sentinelObserver.observe($("sentinel"));
      }
    }
  }
}

const sentinelObserver = new IntersectionObserver(
  (entries) => {
    if (entries.some((entry) => entry.isIntersecting) && state.hasMore) loadPage();
  },
  { rootMargin: "200px" },
);

// After an edit or a share: the item in place, or gone when it no longer
// matches the filters.
function replaceItem(item) {
  const li = itemElement(item.itemId);
  if (!li) return;
  if (!matchesFilters(item)) {
    state.items.delete(item.itemId);
    removeCard(li);
  } else {
    state.items.set(item.itemId, item);
    replaceCard(li, item);
  }
  updateItemsStatus();
}

async function refreshItem(itemId) {
  try {
    replaceItem(await api("GET", itemPath(itemId)));
  } catch {
    // Deleted meanwhile, or the server is busy: the list stays as it is.
  }
}

// ---- create, edit, delete, share ---------------------------------------------

let createFields;
let editFields;

async function onCreate(event) {
  event.preventDefault();
  const button = event.submitter || $("create-form").querySelector("button[type=submit]");
  clearErrors(createFields, $("create-error"));
  const values = readFields(createFields);
  const body = {};
  for (const name of FIELDS) if (values[name] !== "" || REQUIRED.has(name)) body[name] = values[name];
  // One key while the same payload is retried (an answer lost on the way),
  // so a retry never makes a second item; another payload gets a new key.
  const payload = JSON.stringify(body);
  if (!state.createKey || state.createKey.payload !== payload) state.createKey = { key: randomKey(), payload };
  const photo = chosenPhoto(createFields);
  busy(button, true);
  try {
    let item = await api("POST", userPath("items"), body, { "Idempotency-Key": state.createKey.key });
    state.createKey = null;
    // The item exists now, whatever becomes of its photo.
    let photoError = null;
    if (photo) {
      try {
        item = await api("PUT", itemPath(item.itemId, "/image"), photo);
      } catch (error) {
        photoError = error;
      }
    }
    $("create-form").reset();
    noteCategory(item.category);
    const shown = matchesFilters(item);
    if (shown) {
      const old = itemElement(item.itemId);
      state.items.set(item.itemId, item);
      if (old) replaceCard(old, item);
      else $("items").prepend(renderItem(item));
    }
    updateItemsStatus();
    if (photoError) {
      showPhotoError(createFields, $("create-error"), photoError, `Added “${item.name}” without its photo. Choose another file with Edit.`);
    } else {
      say(`Added “${item.name}”.` + (shown ? "" : " The current filters hide it."));
    }
  } catch (error) {
    showErrors(createFields, $("create-error"), error);
  } finally {
    busy(button, false);
  }
}

function openEdit(itemId, trigger) {
  const item = state.items.get(itemId);
  if (!item) return;
  state.editing = { itemId, trigger };
  clearErrors(editFields, $("edit-error"));
  for (const name of FIELDS) editFields[name].input.value = item[name] ?? "";
  editFields.photo.input.value = "";
  editFields.photo.remove.hidden = !hasOwnPhoto(item);
  $("edit-title").textContent = `Edit “${item.name}”`;
  $("edit-dialog").showModal();
  editFields.name.input.focus();
}

async function onEdit(event) {
  event.preventDefault();
  const { itemId } = state.editing || {};
  const item = state.items.get(itemId);
  if (!item) return $("edit-dialog").close();
  // Only what changed, so an edit elsewhere to another field is kept;
  // an emptied optional field is null, which clears it.
  const values = readFields(editFields);
  const patch = {};
  for (const name of FIELDS) {
    if (values[name] === (item[name] ?? "")) continue;
    patch[name] = values[name] === "" && !REQUIRED.has(name) ? null : values[name];
  }
  const photo = chosenPhoto(editFields);
  const changed = Object.keys(patch).length > 0;
  if (!changed && !photo) {
    $("edit-dialog").close();
    say("Nothing changed.");
    return;
  }
  const button = event.submitter || $("edit-form").querySelector("button[type=submit]");
  clearErrors(editFields, $("edit-error"));
  busy(button, true);
  try {
    let updated = item;
    if (changed) {
      updated = await api("PATCH", itemPath(itemId), patch);
      noteCategory(updated.category);
      replaceItem(updated);
    }
    if (photo) {
      try {
        updated = await api("PUT", itemPath(itemId, "/image"), photo);
      } catch (error) {
        // The dialog stays open for another file; the fields are saved.
        const lead = changed ? "Your changes are saved, but the photo was not." : "The photo was not saved.";
        return showPhotoError(editFields, $("edit-error"), error, lead);
      }
      replaceItem(updated);
    }
    $("edit-dialog").close();
    say(`Saved “${updated.name}”.` + (matchesFilters(updated) ? "" : " The current filters hide it now."));
  } catch (error) {
    showErrors(editFields, $("edit-error"), error);
  } finally {
    busy(button, false);
  }
}

// "Remove photo" in the edit dialog: at once, not on Save. The dialog stays
// open with the item as the server now has it.
async function onRemovePhoto() {
  const { itemId } = state.editing || {};
  const item = state.items.get(itemId);
  if (!item) return $("edit-dialog").close();
  const { input, remove, status } = editFields.photo;
  clearErrors(editFields, $("edit-error"));
  busy(remove, true);
  try {
    await api("DELETE", itemPath(itemId, "/image")); // 204, with or without a photo
  } catch (error) {
    return showPhotoError(editFields, $("edit-error"), error, "The photo was not removed.");
  } finally {
    busy(remove, false);
  }
  let updated;
  try {
    updated = await api("GET", itemPath(itemId));
  } catch {
    updated = { ...item };
    delete updated.imageUrl;
  }
  replaceItem(updated);
  editFields.imageUrl.input.value = updated.imageUrl ?? "";
  remove.hidden = true;
  status.textContent = `Removed the photo of “${updated.name}”.`;
  input.focus(); // the button is gone; the photo field is where it was
}

// Back to the button that opened a dialog; it may have been re-rendered
// (then its successor in the same item), or its item may be gone (then the
// list's heading).
function restoreFocus(context, className) {
  if (!context || !state.token) return;
  if (context.trigger.isConnected) return context.trigger.focus();
  const li = itemElement(context.itemId);
  const again = li && li.querySelector("button." + className);
  (again || $("items-title")).focus();
}

function askDelete(itemId, trigger) {
  const item = state.items.get(itemId);
  if (!item) return;
  state.deleting = { itemId, trigger };
  $("confirm-text").textContent = `“${item.name}” will be removed from your wardrobe. Its activity stays in the feed.`;
  $("confirm-dialog").showModal();
  $("confirm-cancel").focus(); // the harmless choice is the default
}

async function onConfirmDelete() {
  const { itemId } = state.deleting || {};
  const item = state.items.get(itemId);
  const button = $("confirm-ok");
  busy(button, true);
  try {
    await api("DELETE", itemPath(itemId));
    say(`Deleted “${item ? item.name : itemId}”.`);
  } catch (error) {
    if (error.status !== 404) {
      $("confirm-dialog").close();
      return report(error);
    }
    say("That item was already deleted."); // elsewhere: drop it here too
  } finally {
    busy(button, false);
  }
  state.items.delete(itemId);
  const li = itemElement(itemId);
  if (li) removeCard(li);
  updateItemsStatus();
  $("confirm-dialog").close();
}

async function share(itemId, button) {
  const item = state.items.get(itemId);
  busy(button, true);
  try {
    await api("POST", itemPath(itemId, "/share")); // 202: queued for the worker
    state.shared.add(itemId);
    button.querySelector(".label").textContent = "Shared";
    say(`Shared “${item ? item.name : itemId}”. The activity feed shows it once it is processed.`);
  } catch (error) {
    report(error);
  } finally {
    busy(button, false);
  }
}

// ---- the activity feed ------------------------------------------------------

function formatTime(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function addActivity(activity, atTop) {
  if (!activity || typeof activity.activityId !== "string" || state.feedIds.has(activity.activityId)) return;
  state.feedIds.add(activity.activityId);
  const li = el("li", "activity");
  li.dataset.type = activity.activityType;
  li.dataset.activityId = activity.activityId;
  const time = el("time", "", formatTime(activity.timestamp));
  time.dateTime = activity.timestamp;
  li.append(
    el("span", "what", ACTIVITY_LABELS[activity.activityType] || activity.activityType),
    " ",
    el("span", "name", activity.itemName || activity.itemId),
    " ",
    time,
  );
  const feed = $("feed");
  if (atTop) feed.prepend(li);
  else feed.append(li);
  while (feed.children.length > FEED_MAX) {
    state.feedIds.delete(feed.lastElementChild.dataset.activityId);
    feed.lastElementChild.remove();
  }
}

function setStreamStatus(text) {
  $("stream-status").textContent = text;
}

function closeStream() {
  clearTimeout(state.streamRetry);
  state.streamRetry = null;
  if (state.stream) state.stream.close();
  state.stream = null;
}

// The first page of the feed, then the stream from the newest activity of
// that page on: the server sends what came in between, so nothing is lost.
async function startFeed() {
  const token = state.token;
  closeStream();
  $("feed").replaceChildren();
  state.feedIds.clear();
  state.lastActivityId = null;
  try {
    const page = await api("GET", userPath("activities?" + query({ limit: PAGE_SIZE })));
    if (state.token !== token) return;
    for (const activity of page.activities) addActivity(activity, false);
    state.lastActivityId = page.activities.length ? page.activities[0].activityId : ZERO_ULID;
  } catch (error) {
    if (error.status === 401) return;
    report(error);
  }
  if (state.token && state.token === token) openStream(); // not signed out (or in again) meanwhile
}

function openStream() {
  closeStream();
  // EventSource cannot send an Authorization header, hence access_token.
  // On a reconnect it sends Last-Event-ID itself, which wins over lastEventId.
  const url = userPath("activities/stream?" + query({ access_token: state.token, lastEventId: state.lastActivityId }));
  const source = new EventSource(url);
  state.stream = source;
  setStreamStatus("Live: connecting…");
  source.addEventListener("open", () => setStreamStatus("Live: connected."));
  source.addEventListener("error", () => {
    if (source !== state.stream) return;
    if (source.readyState === EventSource.CONNECTING) {
      setStreamStatus("Live: reconnecting…");
      return;
    }
    // Closed for good: the server answered with an error (429 over the
    // stream caps, 401 for an expired token). EventSource gives up on those,
    // so try again later ourselves.
    setStreamStatus(`Live: disconnected; retrying in ${STREAM_RETRY_MS / 1000} s.`);
    state.streamRetry = setTimeout(resumeStream, STREAM_RETRY_MS);
  });
  for (const type of Object.keys(ACTIVITY_LABELS)) source.addEventListener(type, onActivityEvent);
}

// An ordinary request first: a 401 there signs out and asks for a new token
// instead of retrying a stream that can never open.
async function resumeStream() {
  const token = state.token;
  state.streamRetry = null;
  try {
    await api("GET", userPath("activities?" + query({ limit: 1 })));
  } catch (error) {
    if (error.status === 401) return;
  }
  if (state.token && state.token === token) openStream();
}

function onActivityEvent(event) {
  let activity;
  try {
    activity = JSON.parse(event.data);
  } catch {
    return;
  }
  state.lastActivityId = activity.activityId;
  addActivity(activity, true);
  // A share changes the item (sharedCount, isPublic): show it as it is now.
  if (activity.activityType === "ItemShared" && state.items.has(activity.itemId)) refreshItem(activity.itemId);
}

// ---- signing in and out -------------------------------------------------------

function enter(token, userId, moveFocus) {
  state.token = token;
  state.userId = userId;
  $("signed-in-as").textContent = "Signed in as " + userId;
  $("session").hidden = false;
  $("signin").hidden = true;
  $("app").hidden = false;
  restartList();
  startFeed();
  if (moveFocus) $("add-title").focus();
}

function onSignIn(event) {
  event.preventDefault();
  const input = $("token");
  const error = $("token-error");
  // People paste the whole header value too.
  const token = input.value.trim().replace(/^bearer\s+/i, "");
  const claims = tokenClaims(token);
  if (!claims || typeof claims.sub !== "string" || claims.sub === "") {
    error.textContent = "This is not a token the page can read: a JWT is three parts separated by dots, and names you in its sub claim.";
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  error.hidden = true;
  input.removeAttribute("aria-invalid");
  input.value = "";
  storage("set", token);
  say("");
  enter(token, claims.sub, true);
}

function signOut(message) {
  storage("remove");
  closeStream();
  state.token = null;
  state.userId = null;
  state.shared.clear();
  state.createKey = null;
  restartList();
  $("feed").replaceChildren();
  state.feedIds.clear();
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  setStreamStatus("Not connected");
  $("items-status").textContent = "";
  $("session").hidden = true;
  $("app").hidden = true;
  $("signin").hidden = false;
  say(message || "Signed out: this tab has forgotten your token.", message ? "error" : "info");
  $("token").focus();
}

// ---- wiring ---------------------------------------------------------------------

function start() {
  createFields = mountFields("create-fields", "create");
  editFields = mountFields("edit-fields", "edit");

  $("signin-form").addEventListener("submit", onSignIn);
  $("sign-out").addEventListener("click", () => signOut());
  $("create-form").addEventListener("submit", onCreate);
  $("edit-form").addEventListener("submit", onEdit);
  $("edit-cancel").addEventListener("click", () => $("edit-dialog").close());
  editFields.photo.remove.addEventListener("click", onRemovePhoto);
  $("edit-dialog").addEventListener("close", () => {
    restoreFocus(state.editing, "edit-button");
    state.editing = null;
  });
  $("confirm-cancel").addEventListener("click", () => $("confirm-dialog").close());
  $("confirm-ok").addEventListener("click", onConfirmDelete);
  $("confirm-dialog").addEventListener("close", () => {
    restoreFocus(state.deleting, "delete-button");
    state.deleting = null;
  });

  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    restartList();
  });
  $("filter-season").addEventListener("change", restartList);
  let typing = null;
  $("filter-category").addEventListener("input", () => {
    // Wait for a pause in typing rather than asking per keystroke.
    clearTimeout(typing);
    typing = setTimeout(restartList, 300);
  });
  $("refresh").addEventListener("click", restartList);
  $("load-more").addEventListener("click", loadPage);
  sentinelObserver.observe($("sentinel"));

  const saved = storage("get");
  const claims = saved && tokenClaims(saved);
  if (claims && typeof claims.sub === "string" && claims.sub !== "") enter(saved, claims.sub, false);
}

start();
