//! The purchasers' page (filled in below).
