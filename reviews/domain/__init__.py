"""Pure domain rules: no Django, no database, no clock."""
