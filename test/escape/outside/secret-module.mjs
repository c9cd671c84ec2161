// Outside the escape plugins' folder: only a read or import grant makes it loadable.
export default 'static secret module';
