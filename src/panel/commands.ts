/** The panel's flyout menu (declared in entrypoints.setup), as commands the App listens to. */
export const MENU_ITEMS = [{ id: 'selfCheck', label: 'Check Photoshop compatibility' }] as const;
export type MenuCommand = (typeof MENU_ITEMS)[number]['id'];

/** Delivers menu commands to whoever listens (the App, once mounted). */
export class PanelCommands {
  private listener?: (command: MenuCommand) => void;
  listen(listener: (command: MenuCommand) => void): () => void {
    this.listener = listener;
    return () => { if (this.listener === listener) this.listener = undefined; };
  }
  invoke(command: string): void {
    if (MENU_ITEMS.some((m) => m.id === command)) this.listener?.(command as MenuCommand);
  }
}
