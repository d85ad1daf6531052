// The public surface of @courier-nest/console: what an application writes against.
export {};
