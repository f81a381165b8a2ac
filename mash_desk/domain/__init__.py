"""Pure domain code: enums, rules, clocks and validators. Imports neither Qt nor SQLAlchemy."""
