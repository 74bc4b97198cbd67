// esbuild bundles the stylesheet a module imports (main.tsx: import './styles.css').
declare module '*.css';
