"""The coordinators' tools: live reload, test questions, coverage, gaps, the report, posters.

`reload` swaps in a changed knowledge folder only when it has no errors;
`cases` runs test questions; `reports` computes coverage, gaps and the report's
figures as data, and `report_format` writes them as Markdown, CSV or HTML;
`posters` makes the deep links and their QR codes.
"""
