// The patchbay console's only script: it follows the gateway's event stream and, when a
// workflow changes, fetches this page again and swaps in its fresh [data-live] regions.
// Without it every page still reads; it just does not update itself.
(() => {
  const regions = () => document.querySelectorAll("[data-live]");
  const state = document.getElementById("live-state");
  if (regions().length === 0 || !("EventSource" in window)) return;
  const workflow = document.querySelector('[data-live="workflow"]');
  const pools = document.querySelector('[data-live="pools"]');
  const scope = workflow ? "?id=" + encodeURIComponent(workflow.dataset.id) : pools ? "?topic=pools" : "";
  const stream = "/api/events" + scope;
  let busy = false;
  let again = false;

  const say = (text) => {
    document.documentElement.dataset.live = text;
    if (state) state.textContent = text === "live" ? "live: updates as workflows change" : "reconnecting…";
  };

  async function refresh() {
    if (busy) return void (again = true);
    busy = true;
    try {
      const res = await fetch(location.href, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!res.ok) return;
      const fresh = new DOMParser().parseFromString(await res.text(), "text/html");
      for (const region of regions()) {
        const next = fresh.querySelector(`[data-live="${region.dataset.live}"]`);
        // Leave a region alone while someone types in it; the next change brings it up to date.
        if (!next || (region.contains(document.activeElement) && document.activeElement.matches("input,select")))
          continue;
        if (next.innerHTML !== region.innerHTML) region.innerHTML = next.innerHTML;
      }
      document.documentElement.dataset.refreshed = String(Date.now());
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  const events = new EventSource(stream);
  events.addEventListener("open", () => say("live"));
  events.addEventListener("error", () => say("reconnecting"));
  events.addEventListener("change", () => void refresh());
})();
