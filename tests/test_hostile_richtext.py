"""Markdown bodies with hostile content: each payload becomes exactly this HTML (text, or an
allow-listed tag with a safe URL), before the page template and MkDocs ever see it."""

from __future__ import annotations

import pytest

from generator.site.richtext import to_html


@pytest.mark.parametrize("body, html", [
    ('<script>alert(1)</script>',
     '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'),
    ('<img src=x onerror=alert(1)>',
     '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n'),
    ('[a](javascript:alert(1))',
     '<p>[a](javascript:alert(1))</p>\n'),
    ('[a](JAVASCRIPT:alert(1))',
     '<p>[a](JAVASCRIPT:alert(1))</p>\n'),
    ('[a](data:text/html;base64,PHNjcmlwdD4=)',
     '<p>[a](data:text/html;base64,PHNjcmlwdD4=)</p>\n'),
    ('![a](data:image/png;base64,AAAA)',
     '<p>［图片：a］</p>\n'),
    ('![操场照片](https://evil.example/t.png)',
     '<p>［图片：操场照片］</p>\n'),
    ('<javascript:alert(1)>',
     '<p>&lt;javascript:alert(1)&gt;</p>\n'),
    ('[a](vbscript:x)',
     '<p>[a](vbscript:x)</p>\n'),
    ('"><svg onload=alert(1)>',
     '<p>"&gt;&lt;svg onload=alert(1)&gt;</p>\n'),
    ('</title><script>alert(1)</script>',
     '<p>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'),
    ('{{ 7*7 }} {% raw %}',
     '<p>{{ 7*7 }} {% raw %}</p>\n'),
    ('--8<-- "/etc/passwd"',
     '<p>--8&lt;-- "/etc/passwd"</p>\n'),
    ('!!! note "x"\n    body',
     '<p>!!! note "x"\nbody</p>\n'),
    ('text\n{: onclick="alert(1)" }',
     '<p>text\n{: onclick="alert(1)" }</p>\n'),
    ('<!-- material/tags -->',
     '<p>&lt;!-- material/tags --&gt;</p>\n'),
    ('[a]: javascript:alert(1)\n\n[x][a]',
     '<p>[a]: javascript:alert(1)</p>\n<p>[x][a]</p>\n'),
    ('[a](https://ok.example "t\\"onmouseover=alert(1)")',
     '<p><a href="https://ok.example" title="t&quot;onmouseover=alert(1)" rel="noopener noreferrer">a</a></p>\n'),
    ('<a href="javascript:alert(1)">x</a>',
     '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>\n'),
    ('```\n</code><script>\n```',
     '<pre><code>&lt;/code&gt;&lt;script&gt;\n</code></pre>\n'),
    ('&lt;script&gt;',
     '<p>&lt;script&gt;</p>\n'),
    ('# 一级标题',
     '<h2>一级标题</h2>\n'),
    ('[电话](tel:12355) [主页](https://example.org/)',
     '<p><a href="tel:12355" rel="noopener noreferrer">电话</a> <a href="https://example.org/" rel="noopener noreferrer">主页</a></p>\n'),
    ('| a | b |\n|:-|-:|\n| 1 | 2 |',
     '<table>\n<thead>\n<tr>\n<th style="text-align:left">a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align:left">1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>\n'),
])
def test_body_payloads_render_to_exactly_this_html(body, html):
    assert str(to_html(body)) == html


def test_an_empty_body_renders_nothing():
    assert str(to_html("  \n\n ")) == ""
