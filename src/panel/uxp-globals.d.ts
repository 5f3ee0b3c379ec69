// UXP provides CommonJS `require` for its built-in modules (uxp, photoshop, fs); webpack leaves them external.
declare function require(id: 'uxp'): typeof import('uxp');
declare function require(id: 'photoshop'): typeof import('photoshop');
declare function require(id: string): unknown;
