// CSV import page: a dry run lists every row's problem; the import button unlocks when there is none.
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }
  function send(dryRun) {
    var form = $("import-form"), out = $("import-result"), list = $("import-problems");
    if (!form.file.files.length) { Siar.showError(form, form.file.validationMessage || "?"); return; }
    var body = new FormData();
    body.append("file", form.file.files[0]);
    Siar.api("POST", "/api/v1/import/posts" + (dryRun ? "?dry_run=true" : ""), body).then(function (r) {
      list.innerHTML = "";
      r.problems.forEach(function (p) {
        var li = document.createElement("li");
        li.className = "error";
        li.textContent = out.dataset.line + " " + p.line + (p.field ? " (" + p.field + ")" : "") + ": " + p.message;
        list.appendChild(li);
      });
      out.textContent = dryRun ? fill(out.dataset.checked, { rows: r.rows, created: r.created,
        duplicates: r.duplicates, problems: r.problems.length }) : fill(out.dataset.imported, r);
      $("do-import").disabled = !dryRun || r.problems.length > 0 || r.created === 0;
    }).catch(function (error) { Siar.showError(form, error.message); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!$("import-form")) return;
    $("dry-run").addEventListener("click", function () { send(true); });
    $("do-import").addEventListener("click", function () { send(false); });
    $("csv").addEventListener("change", function () { $("do-import").disabled = true; });
  });
})();
