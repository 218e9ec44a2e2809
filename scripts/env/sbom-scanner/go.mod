module bnd.local/sbom-scanner

go 1.26
