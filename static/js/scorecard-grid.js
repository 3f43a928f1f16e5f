/* The scorecard grid as a data-entry tool (templates/admin/scorecards/scorecard.html).

   Progressive enhancement: without this script the form still posts and the server checks
   every cell (scorecards/forms_scorecard.py, scorecards/services/scoring.py) and saves all
   or nothing. With it:
   - Enter and the arrow keys move between cells and never submit; only the save button does;
   - each cell shows its state: saved, changed (is-dirty), invalid (is-invalid, with its
     message), locked (is-locked, rendered by the server);
   - field subtotals, channel totals, the total and its gap to the published score follow
     typing, with the server's rules (appraised = round 2 if entered, else round 1; survey
     criteria have no self score) in exact integer thousandths, written as the `points`
     filter writes them (decimal comma, no trailing zeros);
   - leaving the page with unsaved changes asks first.
   Messages come from data attributes on #scorecard, translated by the template. */
(function () {
  "use strict";

  var root = document.getElementById("scorecard");
  var form = document.getElementById("sc-form");
  var grid = document.getElementById("sc-grid");
  if (!root || !form || !grid) return;

  var CELLS = "input.points, textarea.note";
  var NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?$/;

  function message(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    return text.replace(/%\((\w+)\)s/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }

  /* Points typed as the server reads them (forms_scorecard.parse_points): "0,75" or "0.75",
     spaces ignored, ASCII digits only. Returns {empty}, {value: integer thousandths} or
     {error: "nan"|"places"}. */
  function parsePoints(raw) {
    var text = String(raw == null ? "" : raw).replace(/[ \u00a0]/g, "").replace(/,/g, ".");
    if (!text) return { empty: true };
    var m = NUMBER.exec(text);
    if (!m || (m[2] === "" && !m[3])) return { error: "nan" };
    var frac = m[3] || "";
    if (frac.length > 3) return { error: "places" };  // as Score.clean: at most three decimals, "0,5000" too
    var value = parseInt(m[2] || "0", 10) * 1000 + parseInt((frac + "000").slice(0, 3), 10);
    return { value: m[1] === "-" ? -value : value };
  }

  /* Thousandths written as scorecards.formatting.fmt_points: 1234567 -> "1.234,567". */
  function fmt(thousandths) {
    var sign = thousandths < 0 ? "-" : "";
    var n = Math.abs(thousandths);
    var whole = String(Math.floor(n / 1000)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var frac = String(n % 1000);
    frac = ("000" + frac).slice(-3).replace(/0+$/, "");
    return sign + whole + (frac ? "," + frac : "");
  }

  /* Half up to `places` decimals, as formatting.quantize does (kept in thousandths). */
  function roundHalfUp(thousandths, places) {
    var step = Math.pow(10, 3 - places);
    var n = Math.floor((Math.abs(thousandths) + step / 2) / step) * step;
    return thousandths < 0 ? -n : n;
  }

  function rowOf(el) { return el.closest("tr.sc-row"); }
  function cellOf(el) { return el.closest(".sc-cell, .sc-note"); }
  function maxOf(tr) { return parsePoints(tr.getAttribute("data-max")).value; }

  function normText(text) { return String(text || "").replace(/\r\n?/g, "\n").trim(); }

  function isChanged(el) {
    var saved = el.getAttribute("data-saved") || "";
    if (el.classList.contains("points")) {
      var now = parsePoints(el.value), before = parsePoints(saved);
      if (now.empty && before.empty) return false;
      if ("value" in now && "value" in before) return now.value !== before.value;
      return el.value.trim() !== saved.trim();
    }
    return normText(el.value) !== normText(saved);
  }

  /* The client's verdict on a points cell: "" when it finds nothing (the server may still). */
  function check(el) {
    if (!el.classList.contains("points")) return "";
    var r = parsePoints(el.value);
    if (r.error === "nan") return message("nan", { value: el.value.trim() });
    if (r.error === "places") return message("places");
    if (!("value" in r)) return "";
    if (r.value < 0) return message("negative");
    var max = maxOf(rowOf(el));
    if (max != null && r.value > max) return message("max", { max: fmt(max) });
    return "";
  }

  function setError(el, text) {
    var cell = cellOf(el);
    var id = el.id + "_error";
    var box = document.getElementById(id);
    var line = box && box.closest(".sc-msg-row");
    if (line) {
      // The server's verdict under the row is stale once the cell is edited: the cell's own
      // message (the client's check) replaces it.
      box.remove();
      if (!line.querySelector(".sc-msg")) line.remove();
      box = null;
    }
    if (text) {
      if (!box) {
        box = document.createElement("span");
        box.className = "sc-msg";
        box.id = id;
        el.insertAdjacentElement("afterend", box);
      }
      box.textContent = text;
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", id);
    } else {
      if (box) box.remove();
      el.removeAttribute("aria-invalid");
      if (el.getAttribute("aria-describedby") === id) el.removeAttribute("aria-describedby");
    }
    if (cell) cell.classList.toggle("is-invalid", !!text);
    // The summary above the grid strikes out what has been put right since the server's answer.
    var link = document.querySelector('#sc-errors a[href="#' + el.id + '"]');
    if (link) link.closest("li").classList.toggle("is-fixed", !text);
  }

  function markChanged(el) {
    var cell = cellOf(el);
    if (cell) cell.classList.toggle("is-dirty", isChanged(el));
  }

  function valueOf(el) {
    if (!el || cellOf(el).classList.contains("is-invalid")) return null;  // counts nowhere, as it is not saved
    var r = parsePoints(el.value);
    return "value" in r ? r.value : null;
  }

  function Totals() { this.max = 0; this.self = 0; this.appraised = 0; this.count = 0; }
  Totals.prototype.add = function (row) {
    this.max += row.max;
    if (row.selfAssessed) this.self += row.self || 0;
    if (row.final != null) { this.appraised += row.final; this.count += 1; }
  };

  function readRow(tr) {
    var row = { max: maxOf(tr) || 0, selfAssessed: tr.getAttribute("data-self-assessed") === "1", final: null, self: null };
    if (tr.hasAttribute("data-empty")) return row;  // no score row yet: its maximum only
    row.self = valueOf(tr.querySelector('[data-col="self_points"]'));
    var r1 = valueOf(tr.querySelector('[data-col="appraised_points"]'));
    var r2 = valueOf(tr.querySelector('[data-col="appraised_points_round2"]'));
    row.final = r2 != null ? r2 : r1;  // Score.final_points: round 2 when entered, else round 1
    return row;
  }

  function put(scope, selector, text) {
    var el = scope && scope.querySelector(selector);
    if (el && el.textContent !== text) el.textContent = text;
  }

  function recompute() {
    var total = new Totals();
    var channels = {};
    grid.querySelectorAll("tbody.sc-field").forEach(function (block) {
      var sub = new Totals();
      block.querySelectorAll("tr.sc-row").forEach(function (tr) {
        var row = readRow(tr);
        var source = tr.getAttribute("data-source");
        sub.add(row);
        total.add(row);
        (channels[source] = channels[source] || new Totals()).add(row);
        if (!tr.hasAttribute("data-empty")) put(tr, "[data-lost]", row.final == null ? "–" : fmt(row.max - row.final));
      });
      put(block, '[data-subtotal="self"]', fmt(sub.self));
      put(block, '[data-subtotal="appraised"]', fmt(sub.appraised));
      put(block, '[data-subtotal="lost"]', fmt(sub.max - sub.appraised));
    });
    root.querySelectorAll("#sc-channels tr[data-channel]").forEach(function (tr) {
      var key = tr.getAttribute("data-channel");
      var t = key ? channels[key] || new Totals() : total;
      put(tr, '[data-sum="self"]', fmt(t.self));
      put(tr, '[data-sum="appraised"]', fmt(t.appraised));
      put(tr, '[data-sum="lost"]', fmt(t.max - t.appraised));
    });
    showGap(total);
  }

  /* The rule of scorecards.services.scorecard.published_gap, repeated while typing. */
  function showGap(total) {
    var gap = document.getElementById("sc-gap");
    if (!gap) return;
    var published = parsePoints(gap.getAttribute("data-published")).value;
    var places = parseInt(gap.getAttribute("data-places"), 10);
    var differs = total.count > 0 && roundHalfUp(total.appraised, places) !== roundHalfUp(published, places);
    gap.hidden = !differs;
    if (!differs) { gap.textContent = ""; return; }
    var text = gap.getAttribute("data-sentence").replace(/%\((\w+)\)s/g, function (all, key) {
      return { computed: fmt(total.appraised), published: fmt(published),
               difference: fmt(Math.abs(published - total.appraised)) }[key] || all;
    });
    if (gap.textContent !== text) gap.textContent = text;
  }

  function counts() {
    var dirty = 0, invalid = 0;
    grid.querySelectorAll(CELLS).forEach(function (el) {
      if (isChanged(el)) dirty += 1;
    });
    invalid = grid.querySelectorAll(".sc-cell.is-invalid, .sc-note.is-invalid").length;
    return { dirty: dirty, invalid: invalid };
  }

  function showStatus() {
    var status = document.getElementById("sc-status");
    if (!status) return;
    var c = counts();
    var text = c.dirty ? message("dirty", { n: c.dirty }) : message("clean");
    if (c.invalid) text += " " + message("invalid", { n: c.invalid });
    status.textContent = text;
    status.classList.toggle("is-dirty", c.dirty > 0);
  }

  /* ---- keyboard: move between cells, never submit ---- */
  function cells() { return Array.prototype.slice.call(grid.querySelectorAll(CELLS)); }

  function focusCell(el) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    if (el.tagName === "INPUT") el.select();
    else el.setSelectionRange(el.value.length, el.value.length);
  }

  function moveVertical(el, step) {
    var col = el.getAttribute("data-col");
    var rows = Array.prototype.slice.call(grid.querySelectorAll("tr.sc-row"));
    for (var i = rows.indexOf(rowOf(el)) + step; i >= 0 && i < rows.length; i += step) {
      var next = rows[i].querySelector('[data-col="' + col + '"]');
      if (next) { focusCell(next); return; }
    }
  }

  function moveHorizontal(el, step) {
    var all = cells();
    var next = all[all.indexOf(el) + step];
    if (next) focusCell(next);
  }

  // A caret at the text's edge, or the whole value selected (as after moving in): the next
  // arrow leaves the cell. Home/End or a click put the caret inside for editing.
  function atStart(el) {
    var whole = el.selectionStart === 0 && el.selectionEnd === el.value.length;
    return whole || (el.selectionStart === 0 && el.selectionEnd === 0);
  }
  function atEnd(el) {
    var n = el.value.length;
    var whole = el.selectionStart === 0 && el.selectionEnd === n;
    return whole || (el.selectionStart === n && el.selectionEnd === n);
  }

  grid.addEventListener("keydown", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches(CELLS) || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    var isInput = el.tagName === "INPUT";
    if (isInput && (e.key === "Enter" || e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      moveVertical(el, e.key === "ArrowUp" || (e.key === "Enter" && e.shiftKey) ? -1 : 1);
    } else if (e.key === "ArrowLeft" && !e.shiftKey && atStart(el)) {
      e.preventDefault();
      moveHorizontal(el, -1);
    } else if (e.key === "ArrowRight" && !e.shiftKey && atEnd(el)) {
      e.preventDefault();
      moveHorizontal(el, 1);
    }
  });

  // Enter in any other field of the form does not submit it either (implicit submission).
  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key === "Enter" && el.tagName === "INPUT" && el.type !== "submit" && el.type !== "button") e.preventDefault();
  });

  grid.addEventListener("input", function (e) {
    var el = e.target;
    if (!el.matches || !el.matches(CELLS)) return;
    setError(el, check(el));
    markChanged(el);
    recompute();
    showStatus();
  });

  /* ---- unsaved changes: ask before leaving, not after the save button ---- */
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (e) {
    if (submitting || !counts().dirty) return;
    e.preventDefault();
    e.returnValue = "";  // browsers show their own sentence
  });

  /* ---- the error summary: its links put the cursor in the cell ---- */
  var summary = document.getElementById("sc-errors");
  if (summary) {
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      if (target.matches(CELLS)) focusCell(target);
      else target.scrollIntoView({ block: "center" });
      var said = document.getElementById(target.id + "_error");  // its sentence, under the row
      if (said) said.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    summary.focus();
  }

  // After a refused save the inputs hold what was typed: states and totals follow them.
  cells().forEach(markChanged);
  recompute();
  showStatus();
})();
