// PLACEHOLDER: the session host entry point.
export {};
