// Placeholder entry until the add-on's modules land.
export function onOpen(): void {}
