//! `check` on the shipped layouts: exact findings (code, subject, affected).
