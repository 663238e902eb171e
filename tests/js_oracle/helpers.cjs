// What oracle.cjs and flows.cjs share: an assertion and the in-memory Storage that
// amazon-cognito-identity-js keeps its tokens and device values in.
"use strict";

function check(condition, message) {
  if (!condition) throw new Error(message);
}

class MemoryStorage {
  constructor() { this.data = {}; }
  setItem(k, v) { this.data[k] = String(v); return this.data[k]; }
  getItem(k) { return Object.prototype.hasOwnProperty.call(this.data, k) ? this.data[k] : null; }
  removeItem(k) { return delete this.data[k]; }
  clear() { this.data = {}; return this.data; }
}

module.exports = { check, MemoryStorage };
