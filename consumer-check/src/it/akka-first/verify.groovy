// Runs after the consumer build (basedir = consumer-check/target/it/akka-first).

// 1. The consumer's whole build output (Maven and the forked test JVM): SLF4J must not have warned about anything
//    (no providers / NOP fallback, multiple or ignored bindings), and both tests must have run.
def log = new File(basedir, 'build.log').text
def warnings = log.readLines().findAll { it.contains('SLF4J') }
assert warnings.isEmpty() : "SLF4J warned in the consumer build:\n" + warnings.join('\n')
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0') : 'the consumer tests did not all run and pass'

// 2. The BOM has no parent, so it repeats versions: they must stay those the build itself uses, and it must manage
//    every jar module of the build.
def root = new File(basedir, '../../../..').canonicalFile
def xml = { File f -> new groovy.xml.XmlSlurper().parse(f) }
def parent = xml(new File(root, 'pom.xml'))
def bom = xml(new File(root, 'bom/pom.xml'))
['slf4j.version', 'logback.version'].each { key ->
    def inParent = parent.properties."$key".text()
    def inBom = bom.properties."$key".text()
    assert inParent && inParent == inBom : "$key: parent has '$inParent', frwr-bom has '$inBom'"
}
def managed = bom.dependencyManagement.dependencies.dependency
        .findAll { it.groupId.text() == 'io.frwr' }.collect { it.artifactId.text() } as Set
parent.modules.module.each { m ->
    def pom = xml(new File(root, "${m.text()}/pom.xml"))
    def packaging = pom.packaging.text() ?: 'jar'
    if (packaging == 'jar') {
        assert managed.contains(pom.artifactId.text()) : "frwr-bom does not manage module ${pom.artifactId.text()}"
    }
}
return true
