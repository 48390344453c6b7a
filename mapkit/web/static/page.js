/*
 * mapkit page: the Streamlit page's own behaviour around the map (mapkit.app sends it with st.html; the map's runtime
 * is map.js, areas.js and keyboard.js):
 *
 *   - "Copy link" copies the view's link: this page's address with the view's query (the one the page writes in the
 *     address bar). Where the browser refuses the clipboard (a page served over plain http from another machine, a
 *     frame without clipboard permission, a user who said no), the link is shown selected in a field beside the
 *     button with "press Ctrl+C", so it can still be copied by hand.
 *   - On a narrow screen (a phone), after a search pick or a tap on the map, the sidebar laid over the page is closed
 *     and the profile (under the map there) is scrolled into view.
 *
 * Pure parts (viewLink, narrow, copyText) are also a CommonJS module for node --test (tests/js/page.test.mjs).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    if (!root.mapkit.page) { root.mapkit.page = api; }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NARROW = 900;  // px: below this the page stacks the map and the profile (mapkit/app/page.py's stylesheet)
  var REFUSED = "Your browser did not let this page copy: the link is selected below, press Ctrl+C (\u2318C on a " +
                "Mac) to copy it.";

  /**
   * The view's link: this page's address with the view's query string.
   * @param {Location} place  window.location (origin and pathname are read)
   * @param {string} query  e.g. "region=E47000007&level=ward" (already URL-encoded)
   * @returns {string}
   */
  function viewLink(place, query) {
    return place.origin + place.pathname + (query ? "?" + query : "");
  }

  /** @returns {boolean} true where the page lays the profile under the map and the sidebar over the page */
  function narrow(width) {
    return width > 0 && width <= NARROW;
  }

  /**
   * Put text on the clipboard; `refused()` is called instead where there is no clipboard or it refuses.
   * @param {string} text
   * @param {Clipboard|undefined} clipboard  navigator.clipboard (its writeText)
   * @param {function(): void} refused
   * @returns {Promise} resolves to whether the text was copied (a boolean)
   */
  function copyText(text, clipboard, refused) {
    if (!clipboard || typeof clipboard.writeText !== "function") {
      refused();
      return Promise.resolve(false);
    }
    var written;
    try {
      written = clipboard.writeText(text);
    } catch {  // some browsers throw at once instead of rejecting
      refused();
      return Promise.resolve(false);
    }
    return Promise.resolve(written).then(function () { return true; }, function () { refused(); return false; });
  }

  function copyLink(button) {
    var box = button.closest(".mapkit-share"), status = box.querySelector(".mapkit-share-status"),
        field = box.querySelector(".mapkit-share-link"), link = viewLink(window.location, button.dataset.query || "");
    field.value = link;
    return copyText(link, navigator.clipboard, function () {
      field.hidden = false;
      field.focus();
      field.select();
      status.textContent = REFUSED;
    }).then(function (copied) {
      if (copied) {
        field.hidden = true;
        status.textContent = "Link copied: paste it to share this view.";
      }
      return copied;
    });
  }

  /** Listen once per document for clicks on "Copy link" buttons (they come and go with Streamlit's reruns). */
  function install(doc) {
    if (doc.mapkitShareInstalled) { return; }
    doc.mapkitShareInstalled = true;
    doc.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".mapkit-copy-link");
      if (button) { copyLink(button); }
    });
  }

  /**
   * After a search pick or a tap on the map, on a narrow screen: close the sidebar if it is open over the page, then
   * scroll the profile into view once Streamlit has drawn it (it arrives after this script in the same run, or not
   * at all: then nothing is scrolled).
   * @param {Document} doc
   * @param {Window} win
   * @param {string} selector  of the profile's container
   */
  function reveal(doc, win, selector) {
    if (!narrow(win.innerWidth)) { return; }
    var sidebar = doc.querySelector('[data-testid="stSidebar"]'),
        close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button'),
        shown = sidebar && sidebar.getBoundingClientRect();
    if (close && shown && shown.width > 0 && shown.right > 0) { close.click(); }  // open over the page: fold it
    var tries = 0;
    (function scroll() {
      var target = doc.querySelector(selector);
      if (target && target.getBoundingClientRect().height > 0) {
        target.scrollIntoView({block: "start", behavior: "smooth"});
      } else if (tries++ < 40) {
        win.setTimeout(scroll, 100);
      }
    })();
  }

  return {viewLink: viewLink, narrow: narrow, copyText: copyText, install: install, reveal: reveal, NARROW: NARROW,
          REFUSED: REFUSED};
});
