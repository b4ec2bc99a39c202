export * from "./src";
import "./adapter/actionheroTypes";
