// The assessment workspace: a score saves as soon as it is chosen (keyboard: Tab to a score,
// type 1-5), and the verdict banner, the category figures and the progress follow. Without
// script, each row's Save button posts the same change.
(function () {
  "use strict";
  var root = document.getElementById("requirements");
  var verdict = document.getElementById("verdict");
  if (!root || !verdict || !window.fetch) { return; }
  document.documentElement.classList.add("js");
  var api = root.getAttribute("data-api");
  var csrf = root.getAttribute("data-csrf");
  var failed = root.getAttribute("data-error");
  var queue = Promise.resolve();

  function fixed(v) { return (Math.round(v * 100) / 100).toFixed(2); }

  function failingText(f) {
    if (f.kind === "key_measure") { return verdict.getAttribute("data-key-measure") + " " + f.requirement + ": " + fixed(f.score) + " < " + fixed(f.required); }
    if (f.kind === "category") { return verdict.getAttribute("data-category") + " " + f.category + ": " + fixed(f.maturity) + " < " + fixed(f.required); }
    if (f.kind === "total") { return verdict.getAttribute("data-total") + ": " + fixed(f.total) + " < " + fixed(f.required); }
    return verdict.getAttribute("data-answer");
  }

  function show(report) {
    Object.keys(report.verdict).forEach(function (level) {
      var box = verdict.querySelector('[data-level="' + level + '"]');
      if (!box) { return; }
      var v = report.verdict[level];
      box.classList.toggle("pass", v.pass);
      box.classList.toggle("fail", !v.pass);
      box.querySelector('[data-role="result"]').textContent = verdict.getAttribute(v.pass ? "data-pass" : "data-fail");
      box.querySelector('[data-role="total"]').textContent = fixed(v.total);
      var list = box.querySelector('[data-role="failing"]');
      list.textContent = "";
      v.failing.slice(0, 6).forEach(function (f) {
        var li = document.createElement("li");
        li.textContent = failingText(f);
        list.appendChild(li);
      });
      if (v.failing.length > 6) {
        var more = document.createElement("li");
        more.textContent = "… +" + (v.failing.length - 6);
        list.appendChild(more);
      }
      var points = box.querySelector('[data-role="points"]');
      if (points) { points.hidden = v.pass; }
    });
    Object.keys(report.categories).forEach(function (id) {
      var badge = root.querySelector('[data-category="' + id + '"]');
      if (badge) {
        badge.textContent = fixed(report.categories[id].maturity);
        badge.classList.toggle("bad", report.categories[id].maturity < 3);
      }
    });
    var answered = document.getElementById("answered");
    var progress = document.getElementById("progress");
    if (answered) { answered.textContent = report.answered; }
    if (progress) { progress.value = report.answered; }
  }

  function save(form) {
    var row = form.closest("tr");
    var requirement = row.getAttribute("data-requirement");
    var status = form.querySelector(".row-status");
    var body = {};
    form.querySelectorAll("select").forEach(function (s) {
      if (s.value !== "") { body[s.getAttribute("data-dimension")] = parseInt(s.value, 10); }
    });
    queue = queue.then(function () {
      return fetch(api + "/answers/" + encodeURIComponent(requirement), {
        method: "PUT",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf, "accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.detail || failed); }
          status.textContent = "✓";
          row.classList.remove("error");
          show(data);
        });
      }).catch(function (error) {
        status.textContent = failed + (error && error.message ? ": " + error.message : "");
        row.classList.add("error");
      });
    });
  }

  root.addEventListener("change", function (event) {
    var form = event.target.closest("form.score");
    if (form) { save(form); }
  });
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form.score");
    if (form) { event.preventDefault(); save(form); }
  });
})();
