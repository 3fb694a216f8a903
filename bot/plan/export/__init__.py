"""Export the action plan: the next TSAG document (.docx with tracked changes) and tables.

``content`` gathers what an export holds from the database, ``revisions`` works out
what changed since the last import and who changed it, ``word`` lays the plan out
as the TSAG document, ``tables`` writes the spreadsheet, CSV, Markdown and JSON
forms, and ``service`` is the use case the CLI and Slack call.
"""
