// Theme choice: 'system' (default) follows the OS; 'light'/'dark' are stored per browser.
export const THEME_STORAGE_KEY = 'gantry-theme';
export type ThemeChoice = 'system' | 'light' | 'dark';

/**
 * Runs in <head> before first paint so the page never flashes the wrong theme, and keeps following
 * the OS on every page (sign-in included) while no theme is stored. Kept tiny and dependency-free;
 * it is inlined as a string.
 */
export const THEME_BOOT_SCRIPT = `(function(){try{var m=matchMedia('(prefers-color-scheme: dark)');var a=function(){var c=null;try{c=localStorage.getItem('${THEME_STORAGE_KEY}');}catch(e){}document.documentElement.classList.toggle('dark',c==='dark'||(c!=='light'&&m.matches));};a();m.addEventListener('change',a);}catch(e){}})();`;

export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
}

export function readThemeChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function storeThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}
