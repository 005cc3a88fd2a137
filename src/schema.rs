//! JSON Schemas (2020-12) of the case format, generated from a rule set's vocabulary, and of the
//! decision JSON.
