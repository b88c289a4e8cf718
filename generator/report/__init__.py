"""The term reports schools and the bureau submit: a school's 工作总结 and the county's 工作情况汇报.

A layer between `site` and `county`: it reads records (and, for figures about children, the same
view models as the data page, so every count passes the same small-cell suppression), and writes

* `content.py`: the report as plain blocks (headings, paragraphs, numbered items, tables), from
  records only; a section with no records says so in one line;
* `word.py`: the report as a Word document filled into the bureau's template
  (content/report-template.docx; `template.py` makes the default one), gate-checked before it is
  written (`generator.privacy.docx_text`);
* `pages.py`: the report as a page of the school's site (under 数据与总结) and of the county
  portal, printable on A4, with its .docx beside it.

`county` calls it while building; `cli` calls it for `careportal report`.
"""
